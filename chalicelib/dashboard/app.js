// The dashboard's shell: sign-in, navigation between views, and the help dialog.
import { key, signOut, trySignIn } from "./api.js";
import { feedView } from "./feed.js";
import { chartsView, campaignView } from "./insights.js";
import { healthView } from "./health.js";
import { isTyping } from "./ui.js";
import { watchesView } from "./watches.js";

const VIEWS = {
  feed: (el) => feedView(el, { inbox: false }),
  inbox: (el) => feedView(el, { inbox: true }),
  charts: chartsView,
  campaign: campaignView,
  watches: watchesView,
  health: healthView,
};

const $ = (id) => document.getElementById(id);
let leave = null;

function showSignIn(message = "") {
  $("shell").hidden = true;
  $("signin").hidden = false;
  $("signin-error").textContent = message;
  $("api-key").focus();
}

let routes = 0;

async function route() {
  if (!key()) return showSignIn();
  $("signin").hidden = true;
  $("shell").hidden = false;
  const name = location.hash.slice(1).split("?")[0] || "feed";
  const view = VIEWS[name] || VIEWS.feed;
  for (const link of $("nav").querySelectorAll("a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === `#${name}`);
  }
  if (leave) leave();
  leave = null;
  // Each visit renders into its own container: a slow, superseded view draws into a detached one.
  const generation = ++routes;
  const main = $("view");
  const container = document.createElement("div");
  main.dataset.view = name;
  main.setAttribute("aria-busy", "true");
  main.replaceChildren(container);
  const cleanup = (await view(container)) || null;
  if (generation !== routes) {
    if (cleanup) cleanup();
    return;
  }
  leave = cleanup;
  main.setAttribute("aria-busy", "false");
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const value = $("api-key").value.trim();
  try {
    await trySignIn(value);
    $("api-key").value = "";
    route();
  } catch (error) {
    showSignIn(error.status === 401 ? "This key was refused." : error.message);
  }
});

$("signout").addEventListener("click", () => {
  signOut();
  showSignIn();
});
$("help-button").addEventListener("click", () => $("help").showModal());
window.addEventListener("tidings:signed-out", () => showSignIn("Your key was refused: sign in again."));
window.addEventListener("hashchange", route);
document.addEventListener("keydown", (event) => {
  if (event.key === "?" && !isTyping(event)) {
    event.preventDefault();
    $("help").showModal();
  }
});

route();
