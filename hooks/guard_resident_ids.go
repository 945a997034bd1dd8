package hooks

import (
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// Other residents' ids and names (issue #16 item 10). A tenant reads the
// bills of the unit they rent, and a bill's payer is the owner: the id
// (bills.payer) and the owner's name (on the arrears notice and the
// statement) told the tenant who the owner is, and the id is what a
// takeover across communities starts from (item 1). So, for residents:
//
//   - a record response hides every relation to the residents collection
//     whose value is not the caller themselves (bills.payer, events'
//     actor_resident …), found from the schema so that a new field is
//     covered, and its expansion;
//   - a filter or sort on such a field is refused (payer = "<a guessed id>"
//     would confirm it), except on a field the collection's list rule
//     already holds to the caller (resident = @request.auth.id: the portal
//     lists "my complaints" that way, and learns nothing new);
//   - notices and statements address anyone but the payer as the household
//     ("1栋 101 住户");
//   - a household's work orders and complaints (migration 0052): of a
//     record another member of the household filed, the filer's contact
//     (contact_name, contact_phone) is hidden with the filer, and a resident
//     may not filter or sort on those fields; a filter that compares the
//     filer with the caller's own id ("my orders") stays allowed: it tells
//     them nothing new.

// householdShared are the collections whose records a resident reads for
// their household, with the field naming who filed each record.
var householdShared = map[string]string{"work_orders": "requester", "complaints": "resident"}

// filerContact are the fields of a household record that say how to reach
// the one who filed it.
var filerContact = []string{"contact_name", "contact_phone"}

// residentRelations are the fields of col that relate to residents.
func residentRelations(app core.App, col *core.Collection) []string {
	residents, err := app.FindCachedCollectionByNameOrId("residents")
	if err != nil {
		return nil
	}
	var out []string
	for _, f := range col.Fields {
		if rf, ok := f.(*core.RelationField); ok && rf.CollectionId == residents.Id {
			out = append(out, rf.Name)
		}
	}
	return out
}

// ownerOnlyField reports whether col's list rule holds residents to
// records whose field is themselves (filtering on it tells them nothing).
// A rule that also admits the household of the one in field does not:
// migrations.householdOf asks it through field.unit_residents_via_resident,
// and since migration 0090 through the filer's own units (field.units.id).
func ownerOnlyField(col *core.Collection, field string) bool {
	return col.ListRule != nil && strings.Contains(*col.ListRule, field+" = @request.auth.id") &&
		!strings.Contains(*col.ListRule, field+".unit_residents_via_resident") &&
		!strings.Contains(*col.ListRule, field+".units.id")
}

// hideOtherResidents is the response half.
func hideOtherResidents(e *core.RecordEnrichEvent) error {
	auth := e.RequestInfo.Auth
	if !isResident(auth) || e.Record.Collection().Name == "residents" {
		return e.Next()
	}
	var hidden []string
	if filer, ok := householdShared[e.Record.Collection().Name]; ok && e.Record.GetString(filer) != auth.Id {
		hidden = append(hidden, filerContact...)
	}
	for _, f := range residentRelations(e.App, e.Record.Collection()) {
		for _, id := range e.Record.GetStringSlice(f) {
			if id != auth.Id {
				hidden = append(hidden, f)
				break
			}
		}
	}
	e.Record.Hide(hidden...)
	if err := e.Next(); err != nil {
		return err
	}
	if expand := e.Record.Expand(); len(hidden) > 0 && len(expand) > 0 {
		for _, f := range hidden {
			delete(expand, f)
		}
		e.Record.SetExpand(expand)
	}
	return nil
}

// residentIDHidden is the query half: whether a resident may not filter or
// sort col by field.
func residentIDHidden(app core.App, auth *core.Record, col *core.Collection, field string) bool {
	if !isResident(auth) || col.Name == "residents" {
		return false
	}
	if _, shared := householdShared[col.Name]; shared && slices.Contains(filerContact, field) {
		return true
	}
	return slices.Contains(residentRelations(app, col), field) && !ownerOnlyField(col, field)
}

// householdAddress is how a notice or statement addresses a unit's
// household: "1栋 101 住户".
func householdAddress(app core.App, unit *core.Record) string {
	name := unit.GetString("number")
	if b, err := app.FindRecordById("buildings", unit.GetString("building")); err == nil {
		name = b.GetString("name") + " " + name
	}
	return name + " 住户"
}

// payerAddress is whom a document about a bill of unit addresses for auth:
// the payer by name for staff and for the payer themselves, the household
// for every other resident.
func payerAddress(app core.App, auth *core.Record, unit *core.Record, payerID string) string {
	if isResident(auth) && auth.Id != payerID {
		return householdAddress(app, unit)
	}
	if p, err := app.FindRecordById("residents", payerID); err == nil {
		return p.GetString("name") + " 业主/住户"
	}
	return householdAddress(app, unit)
}
