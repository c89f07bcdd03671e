/** Types of the parse-prometheus-text-format package (it ships none), for the untyped samples dcp reads. */
declare module "parse-prometheus-text-format" {
  interface Family {
    name: string;
    help: string;
    type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    metrics: Array<{ value?: string; labels?: Record<string, string>; timestamp_ms?: string }>;
  }
  export default function parsePrometheusTextFormat(text: string): Family[];
}
