/** The B1 event shape and the work its stateless app does (shared by the app module and the bare loop). */
export type Event = { user: string; type: string; page: string; amount: number; ts: number; session: string };
export const pass = (v: Event) => v.amount < 50;
export const project = (v: Event) => ({ user: v.user, page: v.page, cents: Math.round(v.amount * 100), ts: v.ts });
