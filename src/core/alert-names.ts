// How an alert is named to a person, the same in chat, the terminal and the alert's own messages.

/** Each alert's runbook: what it means and what to do, under docs/runbooks/. */
export const runbookOf = (name: string) => `docs/runbooks/${name}.md`;

/** "dependency_down (smtp)", or the name alone for an alert about the whole deployment. */
export const alertLabel = (alert: { name: string; subject: string }) => (alert.subject ? `${alert.name} (${alert.subject})` : alert.name);
