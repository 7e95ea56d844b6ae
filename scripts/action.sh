#!/usr/bin/env bash
# The composite action's shell steps (action.yml runs each as `action.sh STEP`), kept here so a test
# can run them as the runner does (tests/test_council_repository.py, tests/test_workflows.py).
#
#   action.sh install   a virtualenv in $RUNNER_TEMP with the checker from $ACTION_PATH (this repository)
#   action.sh check     `standards check` with the action's inputs, from these environment variables:
#                       PATHS FORMAT FAIL_ON AS_OF CHANGED_SINCE STANDARDS_RELEASE SUMMARY PUBLIC
#
# The standards come with the checker: every release of them is in the package, so nothing is copied
# into the repository being checked (which would make Git see them as new files).
set -euo pipefail

STANDARDS="$RUNNER_TEMP/standards-venv/bin/standards"

install() {
  python -m venv "$RUNNER_TEMP/standards-venv"
  "$RUNNER_TEMP/standards-venv/bin/python" -m pip install --quiet --disable-pip-version-check "$ACTION_PATH"
  "$STANDARDS" --version
}

which_standards() {
  if [ -d standards ]; then
    echo "Using this repository's own standards/"
  elif [ -n "${STANDARDS_RELEASE:-}" ]; then
    echo "Using the standards as released with version $STANDARDS_RELEASE of the tool"
  elif [ -f standards.toml ]; then
    echo "Using the standards release standards.toml names"
  else
    echo "Using the standards this version of the action ships ($("$STANDARDS" --version))"
  fi
}

check() {
  local args=(--fail-on "${FAIL_ON:-must}")
  # Public by default: what a workflow prints may be published, so restricted files are never read.
  if [ "${PUBLIC:-true}" = "true" ]; then args+=(--public); fi
  if [ -n "${AS_OF:-}" ]; then args+=(--as-of "$AS_OF"); fi
  if [ -n "${CHANGED_SINCE:-}" ]; then args+=(--changed-since "$CHANGED_SINCE"); fi
  if [ -n "${STANDARDS_RELEASE:-}" ]; then args+=(--standards-release "$STANDARDS_RELEASE"); fi
  # Word-split the paths on spaces and new lines, without glob expansion.
  local paths
  set -f
  # shellcheck disable=SC2206
  paths=(${PATHS:-})
  set +f
  which_standards

  local status
  set +e
  "$STANDARDS" check "${args[@]}" --format "${FORMAT:-github}" "${paths[@]}"
  status=$?
  if [ "${SUMMARY:-true}" = "true" ] && [ "$status" -ne 2 ]; then
    "$STANDARDS" check "${args[@]}" --format markdown "${paths[@]}" >> "$GITHUB_STEP_SUMMARY"
  fi
  set -e
  echo "exit-code=$status" >> "$GITHUB_OUTPUT"
  exit "$status"
}

case "${1:-}" in
  install) install ;;
  check) check ;;
  *)
    echo "usage: action.sh install|check" >&2
    exit 2
    ;;
esac
