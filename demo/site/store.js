// The demo shop's own behaviour: product switching, pickers, gallery and a toy cart.
// The try-on widget needs none of this; the page only keeps the tag's attributes in step
// with the product and colour on screen, as a merchant's theme would.
import catalog from './catalog.json' with { type: 'json' };

const $ = (selector, root = document) => root.querySelector(selector);
const money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: catalog.shop.currency });
const SECTIONS = { top: 'Shirts & tops', dress: 'Dresses', outerwear: 'Jackets & coats' };

const params = new URLSearchParams(location.search);
const product = catalog.products.find((p) => p.id === params.get('product')) ?? catalog.products[0];
let color = product.colors.find((c) => c.id === params.get('color')) ?? product.colors[0];
let size = product.sizes.includes('M') ? 'M' : product.sizes[0];

const tryOn = $('try-on-button');

function renderProduct() {
  document.title = `${product.name} · ${catalog.shop.name}`;
  $('main').dataset.product = product.id;
  $('[data-name]').textContent = product.name;
  $('[data-crumb-name]').textContent = product.name;
  $('[data-crumb-section]').textContent = SECTIONS[product.category] ?? 'Shop';
  $('[data-eyebrow]').textContent = SECTIONS[product.category] ?? 'Shop';
  $('.stars').style.setProperty('--rating', String(product.rating));
  $('[data-rating-text]').textContent = `${product.rating} · ${product.reviews} reviews`;
  $('[data-price]').textContent = money.format(product.price);
  $('[data-compare]').textContent = product.compareAt ? money.format(product.compareAt) : '';
  const badge = $('[data-sale-badge]');
  badge.hidden = !product.compareAt;
  if (product.compareAt) badge.textContent = `−${Math.round((1 - product.price / product.compareAt) * 100)}%`;
  $('[data-description]').textContent = product.description;
  $('[data-details]').replaceChildren(...product.details.map((d) => Object.assign(document.createElement('li'), { textContent: d })));
  for (const link of document.querySelectorAll('.site-nav a')) {
    const current =
      new URL(link.href).searchParams.get('product') === product.id && link.textContent !== 'New in' && link.textContent !== 'Summer edit';
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  renderColors();
  renderSizes();
  renderRelated();
  tryOn.setAttribute('category', product.category);
  tryOn.setAttribute('product', product.id);
  // The try-on dialog covers this buy box on a desktop: it restates the name (and the size, below).
  tryOn.setAttribute('product-name', product.name);
  // The colours the result offers in one tap, each with its garment image and swatch.
  tryOn.variants = product.colors.map((c) => ({ id: c.id, label: c.name, garment: c.image, swatch: c.vars.fabric }));
}

// The variant on screen, as the shopper reads it: the result's "Add Sky / M to cart".
function renderVariant() {
  tryOn.setAttribute('variant-id', color.id);
  tryOn.setAttribute('variant', `${color.name} / ${size}`);
}

function renderColors() {
  const list = $('[data-colors]');
  list.replaceChildren(
    ...product.colors.map((c) => {
      const label = document.createElement('label');
      label.className = 'swatch';
      label.style.setProperty('--swatch', c.vars.fabric);
      label.title = c.name;
      label.innerHTML = `<input type="radio" name="color" value="${c.id}"><span class="sr-only">${c.name}</span>`;
      label.querySelector('input').checked = c.id === color.id;
      return label;
    }),
  );
  renderColor();
}

function renderColor() {
  $('[data-color-name]').textContent = color.name;
  const main = $('[data-main-image]');
  main.src = color.image;
  main.alt = `${product.name} in ${color.name}, front view`;
  for (const img of document.querySelectorAll('[data-thumb-image]')) img.src = color.image;
  // The widget sends the garment image of the colour the shopper is looking at.
  tryOn.setAttribute('garment', color.image);
  renderVariant();
}

function renderSizes() {
  const list = $('[data-sizes]');
  list.replaceChildren(
    ...product.sizes.map((s) => {
      const label = document.createElement('label');
      label.className = 'size';
      const soldOut = product.soldOut.includes(s);
      label.innerHTML = `<input type="radio" name="size" value="${s}"${soldOut ? ' disabled' : ''}><span>${s}</span>`;
      if (soldOut) label.title = `${s} is sold out`;
      label.querySelector('input').checked = s === size;
      return label;
    }),
  );
  $('[data-size-name]').textContent = size;
  tryOn.setAttribute('size', size);
  renderVariant();
}

function renderRelated() {
  // Other products in each of their colours, as a shop's "you may also like" row would.
  const picks = catalog.products
    .filter((p) => p.id !== product.id)
    .flatMap((p) => p.colors.map((c) => ({ p, c })))
    .sort((a, b) => a.p.colors.indexOf(a.c) - b.p.colors.indexOf(b.c))
    .slice(0, 4);
  $('[data-related]').replaceChildren(
    ...picks.map(({ p, c }) => {
      const a = document.createElement('a');
      a.className = 'card';
      a.href = c === p.colors[0] ? `/?product=${p.id}` : `/?product=${p.id}&color=${c.id}`;
      a.innerHTML = `<div class="card-img"><img loading="lazy" width="768" height="1024" alt=""></div><span class="card-name"></span><span class="card-price"></span>`;
      a.querySelector('img').src = c.image;
      a.querySelector('.card-name').textContent = `${p.name} · ${c.name}`;
      a.querySelector('.card-price').textContent = money.format(p.price);
      return a;
    }),
  );
}

function syncUrl() {
  const url = new URL(location.href);
  url.searchParams.set('product', product.id);
  if (color === product.colors[0]) url.searchParams.delete('color');
  else url.searchParams.set('color', color.id);
  history.replaceState(null, '', url);
}

// Cart: a count in localStorage is all a demo needs.
const CART_KEY = 'saltmarsh-cart';
function renderCart(bump = false) {
  const count = Number(localStorage.getItem(CART_KEY) ?? 0);
  const badge = $('[data-cart-count]');
  badge.textContent = String(count);
  $('[data-cart-link]').setAttribute('aria-label', `Cart, ${count} item${count === 1 ? '' : 's'}`);
  if (bump) {
    badge.classList.remove('bump');
    void badge.offsetWidth;
    badge.classList.add('bump');
  }
}

let toastTimer;
function toast(message) {
  const el = $('[data-toast]');
  el.textContent = message;
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), 2600);
}

$('[data-buy-form]').addEventListener('change', (event) => {
  const input = event.target;
  if (input.name === 'color') {
    color = product.colors.find((c) => c.id === input.value) ?? color;
    renderColor();
    syncUrl();
  } else if (input.name === 'size') {
    size = input.value;
    $('[data-size-name]').textContent = size;
    tryOn.setAttribute('size', size);
    renderVariant();
  }
});

// Another colour chosen on the try-on's result: the page's colour picker follows it.
tryOn.addEventListener('try-on-variant', (event) => {
  color = product.colors.find((c) => c.id === event.detail.id) ?? color;
  for (const input of document.querySelectorAll('input[name="color"]')) input.checked = input.value === color.id;
  renderColor();
  syncUrl();
});

function addToCart() {
  localStorage.setItem(CART_KEY, String(Number(localStorage.getItem(CART_KEY) ?? 0) + 1));
  renderCart(true);
}

$('[data-buy-form]').addEventListener('submit', (event) => {
  event.preventDefault();
  addToCart();
  toast(`Added ${product.name} · ${color.name} · ${size} to your cart`);
});

// The widget only asks; the shop adds what the detail names (variantId, size) and the panel
// confirms on its button ("Added to cart"), so the page adds no toast over it. A shop whose cart
// answers later passes its promise: event.detail.waitUntil(fetch('/cart/add.js', …)).
tryOn.addEventListener('try-on-add-to-cart', () => addToCart());

for (const thumb of document.querySelectorAll('.thumb')) {
  thumb.addEventListener('click', () => {
    $('.gallery-main').dataset.view = thumb.dataset.view;
    for (const t of document.querySelectorAll('.thumb')) t.setAttribute('aria-pressed', String(t === thumb));
  });
}

const menu = $('.menu-btn');
menu.addEventListener('click', () => {
  const open = $('#site-nav').classList.toggle('open');
  menu.setAttribute('aria-expanded', String(open));
});

// Demo settings: the widget's theme (custom properties on the page) and language (its lang attribute).
const themeSwitch = $('[data-theme-switch]');
const langSwitch = $('[data-lang-switch]');
function applyDemoSettings() {
  const theme = themeSwitch.value;
  if (theme === 'midnight') document.documentElement.dataset.tryonTheme = theme;
  else delete document.documentElement.dataset.tryonTheme;
  if (langSwitch.value) tryOn.setAttribute('lang', langSwitch.value);
  else tryOn.removeAttribute('lang');
  const url = new URL(location.href);
  for (const [name, value, plain] of [
    ['theme', theme, 'saltmarsh'],
    ['lang', langSwitch.value, ''],
  ]) {
    if (value === plain) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  history.replaceState(null, '', url);
}
themeSwitch.value = params.get('theme') === 'midnight' ? 'midnight' : 'saltmarsh';
langSwitch.value = [...langSwitch.options].some((o) => o.value === params.get('lang')) ? params.get('lang') : '';
themeSwitch.addEventListener('change', applyDemoSettings);
langSwitch.addEventListener('change', applyDemoSettings);
applyDemoSettings();

// The open panel speaks for itself: a page message over it would cover its buttons, and a
// "ready" left on screen would contradict a later error. So the page stays quiet while the
// panel is open (a shop would record these events in its analytics instead).
function hideToast() {
  clearTimeout(toastTimer);
  $('[data-toast]').classList.remove('show');
}
tryOn.addEventListener('try-on-open', hideToast);
tryOn.addEventListener('try-on-error', hideToast);

renderProduct();
renderCart();
