package migrations

import "strings"

// The API rules are composed from the fragments below so that the role table
// of SPEC §9 reads the same in every collection. Each fragment is a complete,
// parenthesised expression.

const (
	isStaff    = `@request.auth.collectionName = "staff"`
	isResident = `@request.auth.collectionName = "residents"`
	signedIn   = `@request.auth.id != ""`

	// registryWriter: the roles that may change the property registry.
	registryWriter = `(` + isStaff + ` && (@request.auth.role = "supervisor" || @request.auth.role = "director"))`
	isDirector     = `(` + isStaff + ` && @request.auth.role = "director")`
)

// staffOf is true for a staff member one of whose communities is the value at
// path (a relation field holding a community id).
func staffOf(path string) string {
	return `(` + isStaff + ` && @request.auth.communities.id ?= ` + path + `)`
}

// writerOf is registryWriter restricted to the community at path.
func writerOf(path string) string {
	return `(` + registryWriter + ` && @request.auth.communities.id ?= ` + path + `)`
}

// livesIn is true for a resident with a current link through the
// unit_residents back-relation at linkPath (e.g. "unit_residents_via_unit").
// Both conditions name the same back-relation, so PocketBase joins it once and
// they hold for one and the same link row: an ended link grants nothing.
// (`active` is kept by the registry hook and a midnight cron, because `until`
// is a Shanghai civil date that a rule cannot compare with @now exactly.)
func livesIn(linkPath string) string {
	return `(` + isResident + ` && ` + linkPath + `.resident ?= @request.auth.id && ` +
		linkPath + `.active ?= true)`
}

// residentOf is true for a resident who currently lives in a unit of the
// community at path. It reads the resident's own communities field (kept by
// hooks/places.go from their active links), so it costs what staffOf costs
// instead of a join over every unit and link of the community.
func residentOf(path string) string {
	return `(` + isResident + ` && @request.auth.communities.id ?= ` + path + `)`
}

// residentIn is residentOf for the building at path (the resident's
// buildings field).
func residentIn(path string) string {
	return `(` + isResident + ` && @request.auth.buildings.id ?= ` + path + `)`
}

func or(parts ...string) string  { return `(` + strings.Join(parts, ` || `) + `)` }
func and(parts ...string) string { return `(` + strings.Join(parts, ` && `) + `)` }

func rule(s string) *string { return &s }
