// Placeholder of the scaffold: replaced by the page's own module.
import { h } from '../dom.js';

export async function renderGroups(ctx) {
  ctx.main.append(h('h1', {}, 'groups'));
}
