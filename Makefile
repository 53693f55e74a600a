# The two commands a newcomer types are `make up` and `make test`; both bootstrap themselves.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
INFRA  := $(VENV)/.installed-infra
STAGE  ?= dev
CONFIG ?= config/demo.toml

.PHONY: up test lint typecheck unit integration requirements bench soak clean synth bootstrap deploy destroy

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Tidings needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	@touch $(STAMP)

# The CDK libraries only the infra tests and deploys need: `make up` does without them.
$(INFRA): $(STAMP)
	$(BIN)/python -m pip install --quiet -e . --group dev --group infra
	@touch $(INFRA)

## Run Tidings locally: DynamoDB Local + moto's server + the API + the schedule, with the demo watches.
up: $(STAMP)
	$(BIN)/tidings up --config $(CONFIG)

## Lint, type-check and run every test (unit, then integration against DynamoDB Local and moto).
test: $(INFRA)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	sh scripts/ensure_chromium.sh
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

requirements: $(STAMP)
	$(BIN)/python scripts/sync_requirements.py

## AWS: `make deploy STAGE=prod` (needs AWS credentials, node and npm; see README "Deploying to AWS").
CDK := cd infra && npx --yes aws-cdk@2
CDK_CONTEXT := -c stage=$(STAGE) $(if $(OPS_EMAILS),-c ops_emails=$(OPS_EMAILS)) $(if $(ALERT_EMAILS),-c alert_emails=$(ALERT_EMAILS)) $(if $(DIGEST_SENDER),-c digest_sender=$(DIGEST_SENDER)) $(if $(INTEGRATIONS),-c webhook_integrations=$(INTEGRATIONS)) $(if $(IAM_API),-c iam_api=$(IAM_API)) $(if $(SENTIMENT_BACKEND),-c sentiment_backend=$(SENTIMENT_BACKEND)) $(if $(LANGUAGES),-c languages=$(LANGUAGES))

synth: $(INFRA)
	$(CDK) synth $(CDK_CONTEXT) --quiet

bootstrap: $(INFRA)
	$(CDK) bootstrap $(CDK_CONTEXT)

deploy: $(INFRA)
	$(CDK) deploy $(CDK_CONTEXT)

destroy: $(INFRA)
	$(CDK) destroy $(CDK_CONTEXT)

bench: $(STAMP)
	$(BIN)/python -m bench

## The soak and fault run on a fresh local stack (README "Soak"): `make soak MENTIONS=2000`.
MENTIONS ?= 10000
soak: $(STAMP)
	$(BIN)/python -m bench.soak --mentions $(MENTIONS)

clean:
	rm -rf $(VENV) .tidings .mypy_cache .ruff_cache .pytest_cache
