#!/usr/bin/env node
// Makes the prometheus-operator overlay's PrometheusRule from deploy/monitoring/prometheus/cdn-alerts.yml, so
// that Prometheus users and Kubernetes users get the same rules from one file.
//   node scripts/monitoring/prometheus-rule.mjs           prints it
//   node scripts/monitoring/prometheus-rule.mjs --write   writes deploy/k8s/overlays/prometheus-operator/prometheus-rule.yaml
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RULES = 'deploy/monitoring/prometheus/cdn-alerts.yml';
const TARGET = 'deploy/k8s/overlays/prometheus-operator/prometheus-rule.yaml';

const { groups } = parse(fs.readFileSync(path.join(root, RULES), 'utf8'));
const rule = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'cdn', labels: { 'app.kubernetes.io/part-of': 'cdn-management-system' } },
  spec: { groups },
};
const text =
  `# Made from ${RULES} by scripts/monitoring/prometheus-rule.mjs --write: edit that file, not this one.\n` +
  `# The job labels come from the PodMonitors' jobLabel (the pods' names): cdn-control-plane and cdn-edge.\n` +
  stringify(rule, { lineWidth: 0 });

if (process.argv.includes('--write')) fs.writeFileSync(path.join(root, TARGET), text);
else process.stdout.write(text);
