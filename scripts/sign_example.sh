#!/usr/bin/env bash
# Re-sign the worked example's sign-offs (governance/systems/income-screening) with SSH keys.
#
# The example's signers are fictional, so their keys are throwaway: this script makes three
# fresh ed25519 keys in a temporary folder, writes their PUBLIC halves to
# governance/allowed_signers, signs the three sign-offs with them and deletes the private
# halves when it ends. Nobody holds the example's private keys: the committed signatures
# can be verified by anyone (cardgate gate) but not re-made. After editing a signed document
# of the example, run this script to sign again (it replaces allowed_signers too).
# A real team does not do this: see the README, "Sign-offs that cannot be forged".
set -euo pipefail
cd "$(dirname "$0")/.."
cardgate=".venv/bin/cardgate"
workspace="governance"
keys=$(mktemp -d)
trap 'rm -rf "$keys"' EXIT

: > "$workspace/allowed_signers.new"
for person in owner:jonas.weber legal:daniel.mensah risk:priya.raman; do
  role=${person%%:*}; id=${person#*:}
  ssh-keygen -q -t ed25519 -N '' -C "$id@example.org" -f "$keys/$role"
  read -r type key _ < "$keys/$role.pub"
  echo "$id@example.org namespaces=\"cardgate\" $type $key" >> "$workspace/allowed_signers.new"
done
mv "$workspace/allowed_signers.new" "$workspace/allowed_signers"

rm -f "$workspace/systems/income-screening/signoffs.yaml"
sign() { "$cardgate" sign income-screening -w "$workspace" --today 2026-11-30 "$@"; }
sign --role owner --name "Jonas Weber" --key "$keys/owner" \
  --note "Release 1.0.0 to the Outreach Analytics research sandbox only."
sign --role legal --name "Daniel Mensah" --key "$keys/legal" \
  --note "Subject to the legal review of 2026-11-12: no individual use; any live use needs a new review."
sign --role risk --name "Priya Raman" --key "$keys/risk" \
  --note "Residual risks r4 and r5 accepted; equalised-odds target 0.10 for the next version (r1)."
