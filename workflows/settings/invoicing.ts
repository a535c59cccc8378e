// The invoicing workflow's own settings, apart from the workflow so that the configuration
// (src/config/config.ts) validates and documents them at start-up without loading the workflow.
import { z } from 'zod';

export const InvoicingSettings = z.object({
  INVOICE_APPROVAL_ABOVE: z.coerce.number().nonnegative().default(1000).describe('Invoices above this total (in their currency) wait for approval before they are sent.'),
});
