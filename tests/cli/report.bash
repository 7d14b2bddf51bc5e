# report.bash: what the report tests share ("load report" after "load
# helper"): a report that must succeed and change nothing, one that must be
# refused, and columns of tsv by name. $R is the register, $head0 its tip
# before the test.

# report ARGS...: preg report ARGS succeeds, prints nothing on stderr and
# changes nothing in the register.
report() {
	run --separate-stderr preg -C "$R" report "$@"
	[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return 1; }
	same "$stderr" ""
	same "$(git -C "$R" rev-parse HEAD)" "$head0"
	assert_clean
}

# refused STATUS MESSAGE ARGS...: preg report ARGS exits STATUS with
# MESSAGE on stderr and nothing on stdout.
refused() {
	local st=$1 msg=$2
	shift 2
	run --separate-stderr preg -C "$R" report "$@"
	[ "$status" -eq "$st" ]
	same "$output" ""
	same "$stderr" "$msg"
}

# Columns (by name) of tsv output, as "a b c" lines.
cols() {
	awk -F'\t' -v want="$1" '
		NR == 1 { n = split(want, w, " "); for (i = 1; i <= NF; i++) at[$i] = i; next }
		{ line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? " " : "") $(at[w[i]]); print line }'
}

# Set PY to a python3 that reads workbooks (openpyxl), or fail saying what
# to install. Debian's python3-openpyxl is for Debian's python3, which
# another python3 first on PATH (pyenv, a venv) may hide.
openpyxl_python() {
	for PY in python3 /usr/bin/python3 ''; do
		[ -n "$PY" ] && "$PY" -c 'import openpyxl' 2>/dev/null && break
	done
	[ -n "$PY" ] || {
		echo "python3-openpyxl is not installed (apt-get install python3-openpyxl)"
		return 1
	}
}
