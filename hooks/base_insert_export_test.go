package hooks

import "github.com/pocketbase/pocketbase/core"

// InsertRows is insertRows, for the builder's test.
var InsertRows = insertRows

// ParamsPerInsert is the builder's bound on one INSERT's parameters.
const ParamsPerInsert = paramsPerInsert

// HotMatchesUntil is hotMatchesUntil for the hot-group tests: the ids of
// the matches it returns (enough 0: all of them, as hotMatches).
func HotMatchesUntil(app core.App, r *core.Record, enough int) ([]string, error) {
	m, err := hotMatchesUntil(app, r, enough)
	ids := make([]string, len(m))
	for i := range m {
		ids[i] = m[i].Id
	}
	return ids, err
}
