import { fail, pass, skip, type CheckResult } from '../check.ts';
import type { Policy } from '../policy/policy.ts';
import type { RunView } from '../run-view.ts';

/** Builder id, freshness and completeness: the run-level facts a policy may require. */
export function checkRunMetadata(run: RunView, policy: Policy, now: Date): CheckResult[] {
  const results: CheckResult[] = [];
  if (policy.builderId !== undefined) {
    results.push(
      run.builderId === policy.builderId
        ? pass('builder', `built by ${run.builderId}`)
        : fail('builder', `builder id is "${run.builderId ?? '(none)'}", policy requires "${policy.builderId}"`),
    );
  }
  if (policy.maxAgeMs !== undefined) {
    const finished = run.finishedOn ? Date.parse(run.finishedOn) : Number.NaN;
    if (Number.isNaN(finished)) results.push(fail('freshness', 'the attestation has no finish time'));
    else {
      const ageH = ((now.getTime() - finished) / 3.6e6).toFixed(1);
      results.push(
        now.getTime() - finished <= policy.maxAgeMs
          ? pass('freshness', `run finished ${ageH} h ago`)
          : fail('freshness', `run finished ${ageH} h ago, older than the policy's maxAge`),
      );
    }
  }
  if (run.complete === true) results.push(pass('completeness', 'every task of the run is attested'));
  else if (run.complete === false) results.push(fail('completeness', incompleteMessage(run.incomplete ?? [])));
  else if (run.complete === undefined) results.push(skip('completeness', 'the attestation does not say'));
  return results;
}

const WHY: Record<string, string> = {
  deleted: 'its TaskRun was deleted before it was attested',
  customrun: 'a CustomRun, whose steps are not recorded',
  'not-exported': 'attest was not given its TaskRun (--taskruns)',
};

/** Names each task that could not be attested and why, so the fix is obvious. */
function incompleteMessage(gaps: { name: string; reason: string }[]): string {
  if (gaps.length === 0) return 'the attestation says some tasks could not be attested';
  const list = gaps.map((g) => `${g.name} (${WHY[g.reason] ?? g.reason})`).join(', ');
  return `${gaps.length} task(s) could not be attested: ${list}`;
}
