// Package migrations holds the Go migrations that build Wuye's schema.
//
// Each migration lives in a file of its own, named as the migration is
// registered: migrations/0008_fees.go holds
//
//	m.Register(feesUp, ..., "0008_fees.go")
//
// The registered names are stored in the _migrations table of every
// database, and PocketBase runs them in the order of their names, so a
// name is never changed (a renamed migration would run again). Later
// migrations rely on the collections of earlier ones.
//
// The files without a number hold what the migrations share and what other
// packages use: the vocabularies of the select fields (vocabularies.go),
// field helpers (fields.go), API rule fragments (rules.go, event_rules.go),
// collection helpers (collections.go), and the code behind data migrations
// that hooks and tools run again (summaries.go, fee_collections.go,
// resident_places.go, money_bounds.go, anonymous_attachments.go).
// layout_test.go checks the one-migration-per-file layout.
package migrations
