// A trigger's input mapping: workflow input fields from templates over what arrived (a webhook's
// body, an e-mail's parts), "{{name}} <{{email}}>: {{message}}".

export const valueAt = (body: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), body);

/** The workflow input from a trigger's templates; fields a template names but the body lacks are listed. */
export function mapInput(templates: Record<string, string>, body: Record<string, unknown>): { input: Record<string, unknown>; missing: string[] } {
  const missing = new Set<string>();
  const input: Record<string, unknown> = {};
  for (const [field, template] of Object.entries(templates)) {
    const whole = /^\{\{\s*([\w.-]+)\s*\}\}$/.exec(template);
    if (whole) {
      const value = valueAt(body, whole[1]!);
      if (value === undefined || value === '') missing.add(whole[1]!);
      else input[field] = value;
      continue;
    }
    input[field] = template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, path: string) => {
      const value = valueAt(body, path);
      if (value === undefined || value === '') missing.add(path);
      return value === undefined ? '' : String(value);
    });
  }
  return { input, missing: [...missing] };
}
