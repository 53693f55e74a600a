// Calls to the Tidings API with the signed-in key. URLs are relative to the page, so the
// dashboard works under API Gateway's stage prefix (/api/dashboard/...) and locally alike.
const KEY = "tidings.apiKey";
const root = new URL("..", location.href);

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
  /** The route is not there (yet): an older API, or a feature not deployed. */
  get notAvailable() {
    if (this.status === 405 || this.status === 501) return true;
    if (this.status === 404) return this.code !== "NotFoundError";
    return this.status === 403 && /Missing Authentication Token/i.test(this.message);
  }
}

export const key = () => sessionStorage.getItem(KEY);
export const signOut = () => sessionStorage.removeItem(KEY);
export const saveKey = (value) => sessionStorage.setItem(KEY, value);

export function url(path, params = {}) {
  const target = new URL(path.replace(/^\//, ""), root);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") target.searchParams.set(name, value);
  }
  return target;
}

export async function api(path, { method = "GET", body, params } = {}) {
  const headers = { Accept: "application/json" };
  if (key()) headers.Authorization = `Bearer ${key()}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url(path, params), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    signOut();
    window.dispatchEvent(new CustomEvent("tidings:signed-out"));
    throw new ApiError(401, "Your API key was refused: sign in again.");
  }
  if (!response.ok) {
    let message = "";
    let code;
    try {
      const data = await response.json();
      message = data.Message || data.message || data.error || "";
      code = data.Code;
    } catch {
      message = response.statusText;
    }
    throw new ApiError(response.status, message, code);
  }
  if (response.status === 204) return null;
  return response.json();
}

/** Check a key by reading the watches with it; throws ApiError on refusal. */
export async function trySignIn(value) {
  saveKey(value);
  try {
    return await api("watches");
  } catch (error) {
    signOut();
    throw error;
  }
}

/** Fetch a file with the key (a plain link cannot send it) and hand it to the browser. */
export async function download(path, params, filename) {
  const response = await fetch(url(path, params), { headers: { Authorization: `Bearer ${key()}` } });
  if (response.status === 401) {
    signOut();
    window.dispatchEvent(new CustomEvent("tidings:signed-out"));
    throw new ApiError(401, "Your API key was refused: sign in again.");
  }
  if (!response.ok) throw new ApiError(response.status, response.statusText);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
