package stmtcache

import "strings"

// A page that heard of changed records re-reads them by id, in one list
// request (pb_public/js/core/realtime.js fetchChanged): the filter
// `id = "…" || id = "…" || …`, up to 100 ids, under the collection's list
// rule and the screen's own narrowing; the expansions PocketBase then makes
// read their records with `id IN (…)`. Each id compared with the primary
// key is a value the planner looks up in the key's STAT4 samples, so SQLite
// marks the statement to be compiled again whenever it is bound — and with
// more than 31 parameters (a board's re-read has some 120) every parameter
// from the 32nd on is marked with it. The kept statement was therefore
// compiled anew on every re-read: 29 % of the server's CPU for a desk's
// dispatch board re-read of 100 orders on the 1M-row history, in
// whereKeyStats over a hundred OR terms (BENCHMARKS.md § Realtime, session
// 14). The samples cannot tell the planner anything there: the key is
// unique, one row a value whatever the value.
//
// idReadsPlus writes every placeholder of such a statement +? (as
// plusPlaceholders does for the create rule): the same value, no affinity
// and no collation, as a bare ? has, so every comparison means what it
// meant; the planner reads no sample for it, and the statement runs as
// compiled. Only a SELECT that compares its main table's key with bound
// values is changed (byIDs): the re-reads, a record read by id with its
// view or update rule, an expansion. Where the key is pinned the plan
// starts from it whatever the other values are; where its comparison is one
// branch of an OR, the other values are estimated from their index's
// average (sqlite_stat1) instead of its samples. Every other statement
// keeps the samples that choose its index.
func idReadsPlus(query string) string {
	if !strings.HasPrefix(query, "SELECT ") || !byIDs(query) {
		return query
	}
	if plus, ok := plusPlaceholders(query); ok {
		return plus
	}
	return query
}

// byIDs reports whether query reads its main table (the first FROM) by
// primary key compared with bound values, as PocketBase writes it: a filter
// of ORed ids (`t`.`id` = ? OR …), a record by id (`t`.`id`=?, which the
// view and update rule checks join to the rule), an expansion
// (`t`.`id` IN (?, …)).
func byIDs(query string) bool {
	const from = " FROM `"
	i := strings.Index(query, from)
	if i < 0 {
		return false
	}
	name, _, ok := strings.Cut(query[i+len(from):], "`")
	if !ok {
		return false
	}
	key := "`" + name + "`.`id`"
	for _, cmp := range []string{" = ?", "=?", " IN (?"} {
		if strings.Contains(query, key+cmp) {
			return true
		}
	}
	return false
}
