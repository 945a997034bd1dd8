package hooks

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// Masked and hidden fields (issue #16 item 5). One table says, per field,
// who reads it in full and what everyone else gets; it drives
//
//   - the response: maskFields (OnRecordEnrich: lists, views, expansions,
//     create/update answers and realtime messages alike) hides or masks the
//     value for the others;
//   - the query guard: mayReadField (hooks/guard_queries.go) refuses a
//     filter or sort that names the field — directly or through relations,
//     in the records list and in a realtime subscription's options — for
//     the others, since a filter on a masked value ("contact_phone ~
//     '1380%'") reads it back a digit at a time;
//   - the tests: TestMaskedFieldFilters asks, for every row and every kind
//     of caller, whether a filter on the real value and one on a wrong value
//     answer the same for those the value is masked from (REST and realtime),
//     and TestMaskedFieldsDeclared holds the permission matrix's field
//     declarations (permissions_table_test.go) to this table.
//
// Other fields kept from callers, and where: accounts' e-mails
// (authCollections, guard_queries.go); the complainant of an anonymous
// complaint, per record (anonymousFields, complaints_anonymity.go);
// residents' communities and buildings (hidden in the schema, which
// PocketBase itself refuses to filter on); back-relation ids
// (hideBackRelationIDs).

// MaskedField is one row of the table.
type MaskedField struct {
	Collection, Field string
	// Readers are the staff roles that read the value in full (and so may
	// filter and sort on it). Superusers always do.
	Readers []string
	// Residents: residents read it in full too (the field is on records a
	// resident sees only when they are their own, such as their service
	// demands' contact phone).
	Residents bool
	// Self: an account reads its own value in full (auth collections).
	Self bool
	// Mask is what the others get; nil hides the field altogether.
	Mask func(string) string
}

// residentContactRoles are the staff roles whose work involves calling
// residents back.
var residentContactRoles = []string{RoleFrontDesk, RoleAreaManager, RoleCashier, RoleSupervisor, RoleDirector}

// keyLenders are the staff who lend keys and chase overdue ones ([000] 前台 4.5).
var keyLenders = []string{RoleFrontDesk, RoleAreaManager, RoleSupervisor, RoleDirector}

var maskedFields = []MaskedField{
	// Residents' phones: for the staff who call them back; technicians get
	// the contact of an order on the order itself.
	{Collection: "residents", Field: "phone", Readers: residentContactRoles, Self: true},
	// A service demand (a service the office does not offer yet) is answered
	// by the desk; technicians, engineers and security list them to see what
	// is asked for, not whom to call.
	{Collection: "service_demands", Field: "contact_phone", Readers: residentContactRoles, Residents: true, Mask: MaskPhone},
	// An outside borrower's phone is for those who lend keys; engineers,
	// security and cashiers see the loans without it.
	{Collection: "key_loans", Field: "borrower_phone", Readers: keyLenders, Mask: MaskPhone},
	// ID numbers: the supervisor and the director only.
	{Collection: "key_loans", Field: "borrower_id_no", Readers: []string{RoleSupervisor, RoleDirector}, Mask: MaskIDNumber},
	{Collection: "renovation_passes", Field: "id_no", Readers: []string{RoleSupervisor, RoleDirector}, Mask: MaskIDNumber},
	{Collection: "parcels", Field: "picked_up_id_no", Readers: []string{RoleSupervisor, RoleDirector}, Mask: MaskIDNumber},
	{Collection: "lost_items", Field: "claimant_id_no", Readers: []string{RoleSupervisor, RoleDirector}, Mask: MaskIDNumber},
	// The household file's ID numbers ([004] 三 2.6): the desk, the area
	// manager and the household itself see them masked.
	{Collection: "household_members", Field: "id_no", Readers: []string{RoleSupervisor, RoleDirector}, Mask: MaskIDNumber},
	// A pass's applicant (a tenant, a mover) is called by those who keep
	// and check passes, not by the rest of the household.
	{Collection: "goods_passes", Field: "applicant_phone", Readers: deskReaders, Mask: MaskPhone},
}

// MaskedFields is a copy of the table, for the tests.
func MaskedFields() []MaskedField {
	return slices.Clone(maskedFields)
}

// maskedField is the table's row for collection.field, if any.
func maskedField(collection, field string) (MaskedField, bool) {
	for _, m := range maskedFields {
		if m.Collection == collection && m.Field == field {
			return m, true
		}
	}
	return MaskedField{}, false
}

// readsInFull reports whether auth reads m's value in full (as a filter or
// sort would read it: the Self exception is for a response about the
// account itself, not for queries, which would range over other accounts).
func (m MaskedField) readsInFull(auth *core.Record) bool {
	if auth != nil && auth.IsSuperuser() {
		return true
	}
	if m.Residents && isResident(auth) {
		return true
	}
	return slices.Contains(m.Readers, staffRole(auth))
}

// maskFields applies the table to every record response.
func maskFields(e *core.RecordEnrichEvent) error {
	info := e.RequestInfo
	if info == nil {
		return e.Next()
	}
	name := e.Record.Collection().Name
	for _, m := range maskedFields {
		if m.Collection != name || m.readsInFull(info.Auth) {
			continue
		}
		if m.Self && info.Auth != nil && info.Auth.Id == e.Record.Id && info.Auth.Collection().Id == e.Record.Collection().Id {
			continue
		}
		if m.Mask == nil {
			e.Record.Hide(m.Field)
			continue
		}
		if v := e.Record.GetString(m.Field); v != "" {
			e.Record.WithCustomData(true)
			e.Record.Set(m.Field, m.Mask(v))
		}
	}
	return e.Next()
}

// MaskIDNumber hides the middle of an ID number: 110101********1234.
func MaskIDNumber(id string) string {
	if len(id) < 10 {
		return "****"
	}
	return id[:6] + "********" + id[len(id)-4:]
}

// MaskPhone keeps the first three and last four digits of a phone number
// (139****0001), enough to recognise it, not to call it.
func MaskPhone(p string) string {
	if len(p) < 8 {
		return "****"
	}
	return p[:3] + "****" + p[len(p)-4:]
}
