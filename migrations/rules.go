package migrations

import "strings"

// The API rules are composed from the fragments below so that the role table
// (docs/DESIGN.md, "Accounts and access") reads the same in every
// collection. Each fragment is a complete, parenthesised expression.

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
//
// Since migration 0090 the rules ask residentAt instead, which reads the
// signed-in resident's own units (resident_units.go says why); the older
// migrations keep livesIn to build the rules they changed from. Only a rule
// that needs the link itself (an owner's, householdWrite) joins the links.
func livesIn(linkPath string) string {
	return `(` + isResident + ` && ` + linkPath + `.resident ?= @request.auth.id && ` +
		linkPath + `.active ?= true)`
}

// residentOf is true for a resident who currently lives in a unit of the
// community at path. It reads the resident's own communities field (kept by
// hooks/registry_places.go from their active links), so it costs what staffOf costs
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

// complaintSeenBy is the part of the complaints' staff read rule beyond the
// community: the desk, area managers, supervisors and the director see all
// complaints, anyone else those they handle; complaints about the service
// center are for the supervisor and director; nobody sees one about
// themselves. path is "" on complaints, or the relation leading to a
// complaint (e.g. "complaint." on events), so that a complaint's timeline
// is readable by exactly those who may read the complaint.
func complaintSeenBy(path string) string {
	seesAll := `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "supervisor" || @request.auth.role = "director")`
	managers := `(@request.auth.role = "supervisor" || @request.auth.role = "director")`
	return and(
		or(seesAll, path+`handler = @request.auth.id`),
		or(path+`about_service_center = false`, managers),
		path+`subject_staff != @request.auth.id`)
}

// complaintSeenByOffice is complaintSeenBy from migration 0045 on: a
// complaint about the service center or its staff is for the administration
// office (行政人事部, [003] 2.2.8: 對客戶服務中心之投訴交由行政人事部受理) and
// the director; nobody of the service center — its supervisor included —
// sees it any more. The office sees no other complaint. Nobody sees one
// about themselves.
func complaintSeenByOffice(path string) string {
	seesAll := `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "supervisor" || @request.auth.role = "director" || @request.auth.role = "admin_office")`
	office := `(@request.auth.role = "admin_office" || @request.auth.role = "director")`
	return and(
		or(seesAll, path+`handler = @request.auth.id`),
		or(and(path+`about_service_center = false`, `@request.auth.role != "admin_office"`), and(path+`about_service_center = true`, office)),
		path+`subject_staff != @request.auth.id`)
}

// residentReadsEvents, the residents' part of the events rule of migrations
// 0002 and 0022: a resident reads the public events meant for them, or those
// of a unit they currently live in. The three @collection conditions share
// one join, so they must hold for the same link row.
var residentReadsEvents = or(
	and(isResident, `public = true`, `resident = @request.auth.id`),
	and(isResident, `public = true`, `resident = ""`, `unit != ""`,
		`@collection.unit_residents.unit ?= unit`,
		`@collection.unit_residents.resident ?= @request.auth.id`,
		`@collection.unit_residents.active ?= true`),
)

// serviceItemsRead is the read rule of the price list from migration 0023
// until 0029: staff read their communities' items, residents the active
// items of the communities they currently live in, as with fee_items.
var serviceItemsRead = or(
	staffOf("community"),
	and(`active = true`, livesIn("community.units_via_community.unit_residents_via_unit")),
)

// complaintEventsRead is the events rule of migration 0022 (until 0034):
// staff read the events of their communities, a complaint's only if they may
// read the complaint; residents as residentReadsEvents.
var complaintEventsRead = or(
	and(isStaff, `community != ""`, `@request.auth.communities.id ?= community`,
		or(`complaint = ""`, complaintSeenBy("complaint."))),
	residentReadsEvents,
)

// householdOf is the household's part of a resident's read rule of the
// records they file (work orders, complaints; migration 0052): a resident
// who currently lives in the record's unit reads it while the resident in
// field filer — who filed it — currently lives there too. A tenant of 1-101
// sees the owner's repair for the flat, and a new household never sees the
// records of the one before. Each pair of conditions names one
// back-relation, so each holds for one and the same link row (livesIn).
func householdOf(filer string) string {
	link := filer + `.unit_residents_via_resident`
	return and(`unit != ""`, filer+` != ""`, livesIn("unit.unit_residents_via_unit"),
		link+`.unit ?= unit`, link+`.active ?= true`)
}
