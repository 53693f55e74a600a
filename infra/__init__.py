"""The CDK app that deploys Tidings into a company's own AWS account (`infra/cdk_app.py`)."""
