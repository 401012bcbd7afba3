// Placeholder of the scaffold: replaced by the page's own module.
import { h } from '../dom.js';

export async function renderPolicies(ctx) {
  ctx.main.append(h('h1', {}, 'policies'));
}
export async function renderPolicy(ctx) {
  ctx.main.append(h('h1', {}, 'policies'));
}
