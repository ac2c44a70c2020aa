
// -- the static site: this module's explorers, mounted with no kernel -----------------------
// Each explorer's host holds its state as JSON and its saved picture and readout (what a
// browser without JavaScript shows). The model is the page's own: it holds the state, and
// the values each press saves go nowhere (there is no kernel to tell).
for (const host of document.querySelectorAll('.c1x1-site-explorer')) {
  if (!(host.dataset.kind in KINDS) || host.dataset.mounted) continue;
  const state = JSON.parse(host.querySelector('script.c1x1-site-state').textContent);
  const model = pageModel(state);  // the values each press saves go nowhere
  const el = document.createElement('div');
  host.replaceChildren(el);
  host.c1x1State = state;
  render({model, el});
  host.dataset.mounted = 'true';
}
