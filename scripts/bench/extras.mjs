/**
 * The measurements beyond the comparison (--extras), each in its own file: run one after the other once the
 * comparison is done, with its origin, each stopping the servers it started before the next begins.
 */
import { formatMemory, measureMemory } from './memory.mjs';
import { stopLater } from './processes.mjs';
import { formatPropagation, measurePropagation } from './propagation.mjs';
import { formatRoutingCost, measureRoutingCost } from './routing-cost.mjs';
import { formatWorkersScaling, measureWorkersScaling } from './workers-scaling.mjs';

const EXTRAS = {
  routing: { measure: measureRoutingCost, format: formatRoutingCost },
  memory: { measure: measureMemory, format: formatMemory },
  propagation: { measure: measurePropagation, format: formatPropagation },
  workers: { measure: measureWorkersScaling, format: formatWorkersScaling },
};

/** {results: {<name>: result}, text} for the extras `names` (flags.mjs's EXTRA_NAMES, in that order). */
export async function runExtras(names, context) {
  const results = {};
  const text = [];
  for (const name of names) {
    console.log(`bench: extra measurement: ${name}`);
    const stopMine = stopLater();
    try {
      results[name] = await EXTRAS[name].measure(context);
    } finally {
      await stopMine();
    }
    text.push(EXTRAS[name].format(results[name], context.options));
  }
  return { results, text: text.join('\n') };
}
