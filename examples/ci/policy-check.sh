#!/bin/sh
# Pull-request check for IAM policies: what does the change grant that the base branch did not, and
# does the guard rail still hold? Usage: policy-check.sh BASE_DIR NEW_DIR PRINCIPALS_FILE
# (BASE_DIR: the base branch's policy files, e.g. from `git worktree add base origin/main`.)
# Exit 0: nothing new and the guard rail holds; 1: new access or a violation (review it); 2: error.
set -u
base=$1 new=$2 principals=$3
set --
for f in "$base"/*.json; do set -- "$@" --old "$f"; done
for f in "$new"/*.json; do set -- "$@" --new "$f"; done
ims-iam diff "$@" > policy-diff.md
diff_status=$?
cat policy-diff.md
# Guard rail: no one outside image-admins can delete images.
ims-iam check --principals "$principals" --never ims:images:delete --except image-admins
check_status=$?
if [ "$diff_status" -eq 2 ] || [ "$check_status" -eq 2 ]; then exit 2; fi
if [ "$diff_status" -eq 1 ] || [ "$check_status" -eq 1 ]; then exit 1; fi
exit 0
