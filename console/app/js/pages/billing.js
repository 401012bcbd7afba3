// Placeholder of the scaffold: replaced by the page's own module.
import { h } from '../dom.js';

export async function renderBilling(ctx) {
  ctx.main.append(h('h1', {}, 'billing'));
}
