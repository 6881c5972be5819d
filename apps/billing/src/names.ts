/** Temporal names of the billing worker; no runtime imports, so workflow code may use it too. */
export const USAGE_REPORT_WORKFLOW = 'usageReportWorkflow';
export const USAGE_REPORT_SCHEDULE_ID = 'herald-billing-usage';
