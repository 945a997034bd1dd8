package migrations

import (
	"slices"
	"sort"
	"strings"
)

// The events rule of migration 0034: an event is readable exactly by those
// who may read its subject.
//
// How the staff part of the events rule reads each subject's own rule:
//
//   - by role (EventSubjectRoles): the staff roles whose read rule of the
//     subject collection admits its whole community. The list is written
//     from each collection's rule; TestEventVisibility compares every
//     caller's events with what the records API shows them of the subjects,
//     so a rule changed without this table fails.
//   - by record, through a relation to the subject, where the subject's rule
//     looks at the record itself: a complaint (its handler, whether it is
//     about the service center or the caller — migration 0022), a work
//     order (its technician, the pool of a trade), a patrol task (its
//     manager), a resident (every
//     community they were ever linked to), a staff member (their
//     communities).
//   - a subject collection not in the table: the supervisors and the
//     director of the community, who see everything in it (docs/DESIGN.md,
//     "Accounts and access").
//
// The community condition stays first and on the indexed column
// (idx_events_community); the rest are comparisons on the event row and
// primary-key joins to the one subject it names.

// staffRoles are every staff role (hooks/roles.go).
var staffRoles = []string{"front_desk", "area_manager", "technician", "engineer", "security", "cashier", "supervisor", "director"}

func rolesBut(but ...string) []string {
	var out []string
	for _, r := range staffRoles {
		if !slices.Contains(but, r) {
			out = append(out, r)
		}
	}
	return out
}

var (
	moneyReaders   = []string{"cashier", "area_manager", "front_desk", "supervisor", "director"}
	renovationRead = rolesBut("technician")
)

// EventSubjectRoles are, per subject collection read by role, the staff
// roles whose read rule admits the records of their communities.
var EventSubjectRoles = map[string][]string{
	"communities":            staffRoles,
	"areas":                  staffRoles,
	"buildings":              staffRoles,
	"units":                  staffRoles,
	"unit_residents":         staffRoles,
	"billing_runs":           staffRoles,
	"notices":                staffRoles,
	"service_items":          staffRoles,
	"service_demands":        staffRoles,
	"fee_items":              staffRoles,
	"meter_readings":         staffRoles,
	"meter_replacements":     staffRoles,
	"move_outs":              MoveOutReaders,
	"bills":                  moneyReaders,
	"payments":               moneyReaders,
	"reminders":              moneyReaders,
	"arrears_visits":         moneyReaders,
	"deposits":               rolesBut("technician", "security"),
	"deposit_movements":      rolesBut("technician"),
	"online_orders":          {"cashier", "supervisor", "director"},
	"online_reconciliations": {"cashier", "supervisor", "director"},
	"service_statements":     {"front_desk", "cashier", "supervisor", "director"},
	"renovations":            renovationRead,
	"renovation_passes":      renovationRead,
	"renovation_inspections": renovationRead,
	"renovation_violations":  renovationRead,
	"hot_work_permits":       rolesBut("technician", "cashier"),
	"vacancy_patrols":        rolesBut("technician"),
	"keys":                   rolesBut("technician"),
	"key_loans":              rolesBut("technician"),
	"kpi_targets":            staffRoles,
	// The front desk's handover, incidents and visits (migrations 0062–0064).
	"shift_handovers": {"front_desk", "cashier", "supervisor", "director"},
	"incidents":       staffRoles,
	"visits":          {"front_desk", "area_manager", "supervisor", "director"},
	"parcels":         DeskRegisterReaders,
	"lost_items":      DeskRegisterReaders,
	"goods_passes":    DeskRegisterReaders,
	"enquiries":       EnquiryKeepers,
	// The registry's parking spaces (migration 0066, events since 0067).
	"parking_spaces": staffRoles,
	// Move-ins (migration 0069).
	"move_ins": MoveInReaders,
	// The household file (migrations 0071–0073): its readers; security the
	// vehicles too.
	"household_members":   HouseholdReaders,
	"household_files":     HouseholdReaders,
	"ownership_transfers": HouseholdReaders,
	"vehicles":            VehicleReaders,
}

// EventSubjectRelations are the subject collections read by record, with
// the event's relation to the subject.
var EventSubjectRelations = map[string]string{
	"complaints":   "complaint",
	"work_orders":  "work_order",
	"residents":    "about_resident",
	"staff":        "about_staff",
	"patrol_tasks": "patrol_task",
}

func roleIn(roles []string) string {
	var parts []string
	for _, r := range roles {
		parts = append(parts, `@request.auth.role = "`+r+`"`)
	}
	return or(parts...)
}

// eventReadRule is the list and view rule of events of migration 0034
// (until 0045).
func eventReadRule() string { return eventReadRuleOf(complaintSeenBy) }

// eventReadRuleSince0045 is the events rule once complaints about the
// service center went to the administration office (migration 0045): a
// later migration that adds a subject rebuilds the rule with it.
func eventReadRuleSince0045() string { return eventReadRuleOf(complaintSeenByOffice) }

// eventReadRuleOf is the list and view rule of events with seenBy the
// staff's part of the complaints' read rule.
func eventReadRuleOf(seenBy func(path string) string) string {
	// Subjects read by role, grouped by their readers.
	groups := map[string][]string{}
	for c, roles := range EventSubjectRoles {
		key := strings.Join(roles, ",")
		groups[key] = append(groups[key], c)
	}
	var keys []string
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var byRole []string
	for _, k := range keys {
		cols := groups[k]
		sort.Strings(cols)
		var is []string
		for _, c := range cols {
			is = append(is, `subject_collection = "`+c+`"`)
		}
		if k == strings.Join(staffRoles, ",") {
			byRole = append(byRole, or(is...))
		} else {
			byRole = append(byRole, and(or(is...), roleIn(strings.Split(k, ","))))
		}
	}
	// Any other subject: the community's supervisors and director.
	var known []string
	for _, c := range append(mapKeys(EventSubjectRoles), mapKeys(EventSubjectRelations)...) {
		known = append(known, `subject_collection != "`+c+`"`)
	}
	sort.Strings(known)
	other := and(append(known, roleIn([]string{"supervisor", "director"}))...)

	workOrderSeenBy := or(
		roleIn([]string{"front_desk", "area_manager", "cashier", "supervisor", "director"}),
		`work_order.technician = @request.auth.id`,
		`(work_order.dispatch_mode = "pool" && work_order.status = "dispatched" && work_order.technician = "" && @request.auth.role = "technician" && @request.auth.skills:each ?= work_order.category)`,
	)
	inCommunity := and(`community != ""`, `@request.auth.communities.id ?= community`, or(
		and(`subject_collection = "complaints"`, `complaint != ""`, seenBy("complaint.")),
		and(`subject_collection = "work_orders"`, `work_order != ""`, workOrderSeenBy),
		// A patrol task is its manager's, and the supervisors' and the
		// director's (migration 0017).
		and(`subject_collection = "patrol_tasks"`, `patrol_task != ""`,
			or(`patrol_task.manager = @request.auth.id`, roleIn([]string{"supervisor", "director"}))),
		or(byRole...),
		other,
	))
	staffRead := and(isStaff, or(
		inCommunity,
		// A resident, and their links to units: the staff of every
		// community the resident was ever linked to (the residents' rule).
		and(`about_resident != ""`, `about_resident.unit_residents_via_resident.unit.community ?= @request.auth.communities.id`),
		and(`about_staff != ""`, `@request.auth.communities.id ?= about_staff.communities.id`),
		// The working calendar is every signed-in account's.
		`subject_collection = "work_calendar"`,
	))
	return or(staffRead, residentReadsOwnEvents)
}

// residentReadsOwnEvents is residentReadsEvents (migration 0002) with the
// household's events found through the signed-in resident's own links
// (@request.auth.unit_residents_via_resident: the two conditions share one
// join, so they hold for one link row) instead of @collection.unit_residents,
// which PocketBase joins without an ON clause: every event row was paired
// with every link of the estate, and a technician's timeline of a busy work
// order took 1.7 s instead of 37 ms (BenchmarkEventTimeline).
var residentReadsOwnEvents = or(
	and(isResident, `public = true`, `resident = @request.auth.id`),
	and(isResident, `public = true`, `resident = ""`, `unit != ""`,
		`@request.auth.unit_residents_via_resident.unit ?= unit`,
		`@request.auth.unit_residents_via_resident.active ?= true`),
)

func mapKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
