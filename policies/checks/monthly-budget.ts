/** The head's monthly cost, in total and per owner, stays within budget. */
import { PolicyCheck, PolicyConfigBase } from "../types";

export interface MonthlyBudgetConfig extends PolicyConfigBase {
  /** Must match the price table's currency. */
  currency: string;
  maxMonthly?: number;
  owners?: Record<string, number>;
}

export const monthlyBudget: PolicyCheck<MonthlyBudgetConfig> = {
  name: "monthly-budget",
  description: "monthly cost in total and per owner stays within budget",
  check({ headCost }, config) {
    if (config.currency !== headCost.currency) {
      return [`budget is in ${config.currency} but prices are in ${headCost.currency}; set monthly-budget.currency to ${headCost.currency} and convert the amounts`];
    }
    const out: string[] = [];
    const fmt = (x: number) => `${x.toFixed(2)} ${headCost.currency}`;
    if (config.maxMonthly !== undefined && headCost.total.monthly > config.maxMonthly) {
      out.push(`total ${fmt(headCost.total.monthly)}/month exceeds the budget of ${fmt(config.maxMonthly)}`);
    }
    for (const [owner, budget] of Object.entries(config.owners ?? {})) {
      const cost = headCost.owners.find((o) => o.owner === owner)?.total.monthly ?? 0;
      if (cost > budget) out.push(`owner ${owner}: ${fmt(cost)}/month exceeds its budget of ${fmt(budget)}`);
    }
    return out;
  },
};
