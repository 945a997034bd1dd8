package hooks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Ownership transfers (过户, docs/DESIGN.md § Household files). Recording a
// transfer of a unit, in the one transaction of its create:
//
//   - ends, on the transfer date, the current links of the old owners and
//     of their family (their household's access to the unit ends with the
//     commit: an ended link grants nothing, docs/DESIGN.md § Registry);
//     tenants keep theirs (a sale does not end a lease);
//   - starts an owner link for each new owner from that date (a new owner
//     who lived there as tenant or family has that link ended first);
//   - retires the old household's members and vehicles and empties the
//     emergency contact of the file;
//   - records every one of those changes as an event.
//
// The transfer itself names the owners it ended (from_owners, the server's)
// and is never changed or deleted: it is the unit's history.

func registerTransfers(app core.App) {
	BindSerial(app, "ownership_transfers", "GH") // 过户
	app.OnRecordCreateRequest("ownership_transfers").BindFunc(func(e *core.RecordRequestEvent) error {
		e.Record.Set("recorded_by", actorStaff(e.Auth))
		return inTxAround(e, func(tx core.App) error {
			return prepareTransfer(tx, e.Record, e.Auth)
		}, func(tx core.App) error {
			return applyTransfer(tx, e.Record, e.Auth)
		})
	})
	app.OnRecordValidate("ownership_transfers").BindFunc(validateTransfer)
}

// TransferOwnership records transfer r (new, with unit, to_owners,
// transferred_on and reason) as a member of staff would through the API:
// its serial, the owners it ends, the links it ends and starts, all in one
// transaction. The demo records its transfer with it.
func TransferOwnership(app core.App, r *core.Record, actor *core.Record) error {
	return app.RunInTransaction(func(tx core.App) error {
		r.Set("recorded_by", actorStaff(actor))
		if err := prepareTransfer(tx, r, actor); err != nil {
			return err
		}
		if err := tx.Save(r); err != nil {
			return err
		}
		return applyTransfer(tx, r, actor)
	})
}

func actorStaff(auth *core.Record) string {
	if isStaff(auth) {
		return auth.Id
	}
	return ""
}

func validateTransfer(e *core.RecordEvent) error {
	r := e.Record
	if err := placeInUnit(e.App, r); err != nil {
		return err
	}
	if err := e.Next(); err != nil {
		return err
	}
	if err := checkDate(r, "transferred_on"); err != nil {
		return err
	}
	if r.GetString("transferred_on") > today() {
		return validation.Errors{"transferred_on": codedError("wuye_transfer_future")}
	}
	return nil
}

// prepareTransfer fills in the owners the transfer ends and checks it
// against the unit's links. A new owner who lives only in communities auth
// does not serve must agree to be linked first, as to any link the desk
// makes (needsConsent, hooks/accounts_residents.go): a transfer does not
// hand another community's account to this one's staff.
func prepareTransfer(tx core.App, r *core.Record, auth *core.Record) error {
	for _, id := range r.GetStringSlice("to_owners") {
		consent, err := transferNeedsConsent(tx, auth, id)
		if err != nil {
			return err
		}
		if consent {
			return badRequest(validation.Errors{"to_owners": codedError("wuye_transfer_needs_consent")})
		}
	}
	unit := r.GetString("unit")
	if u, err := tx.FindRecordById("units", unit); err == nil {
		r.Set("community", u.GetString("community"))
	}
	links, err := tx.FindAllRecords("unit_residents", dbx.HashExp{"unit": unit, "active": true, "relation": "owner"})
	if err != nil {
		return err
	}
	var from []string
	day := r.GetString("transferred_on")
	for _, l := range links {
		from = append(from, l.GetString("resident"))
		if day != "" && l.GetString("since") > day {
			return badRequest(validation.Errors{"transferred_on": codedError("wuye_transfer_before_since", l.GetString("since"))})
		}
	}
	to := r.GetStringSlice("to_owners")
	slices.Sort(from)
	sorted := slices.Clone(to)
	slices.Sort(sorted)
	if len(to) > 0 && slices.Equal(from, sorted) {
		return badRequest(validation.Errors{"to_owners": codedError("wuye_transfer_same_owners")})
	}
	r.Set("from_owners", from)
	// The latest transfer of the unit comes last.
	later, err := exists(tx, "ownership_transfers", dbx.And(dbx.HashExp{"unit": unit},
		dbx.NewExp("transferred_on > {:d}", dbx.Params{"d": day})), "")
	if err != nil {
		return err
	}
	if later {
		return badRequest(validation.Errors{"transferred_on": codedError("wuye_transfer_out_of_order")})
	}
	return nil
}

// transferNeedsConsent: a new owner the office does not know must agree
// before a transfer links them. The office knows a resident with no links
// at all (an account just made for the buyer), or one who lives or lived
// in a community auth serves — a link the resident agreed to, current or
// ended; a link still waiting for their answer (pending) proves nothing,
// since staff make those themselves. Superusers (no auth) are trusted.
func transferNeedsConsent(tx core.App, auth *core.Record, residentID string) (bool, error) {
	if auth == nil || auth.IsSuperuser() {
		return false, nil
	}
	var row struct {
		All   int `db:"all_links"`
		Known int `db:"known"`
	}
	err := tx.DB().NewQuery(`SELECT COUNT(*) AS all_links,
			COALESCE(SUM(l.pending IS NOT TRUE AND u.community IN (SELECT value FROM json_each({:served}))), 0) AS known
		FROM unit_residents l JOIN units u ON u.id = l.unit WHERE l.resident = {:r}`).
		Bind(dbx.Params{"r": residentID, "served": jsonList(auth.GetStringSlice("communities"))}).One(&row)
	if err != nil {
		return false, fmt.Errorf("transfer consent of %s: %w", residentID, err)
	}
	return row.All > 0 && (row.Known == 0 || !isStaff(auth)), nil
}

// applyTransfer ends and starts the links of a transfer just stored.
func applyTransfer(tx core.App, r *core.Record, actor *core.Record) error {
	unit, day := r.GetString("unit"), r.GetString("transferred_on")
	to := r.GetStringSlice("to_owners")
	note := "过户 " + r.GetString("serial")
	links, err := tx.FindAllRecords("unit_residents", dbx.HashExp{"unit": unit, "active": true})
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, l := range links {
		res, rel := l.GetString("resident"), l.GetString("relation")
		switch {
		case slices.Contains(to, res) && rel == "owner":
			keep[res] = true // stays an owner
			continue
		case rel == "tenant" && !slices.Contains(to, res):
			continue // a sale does not end a lease
		}
		if err := endLink(tx, l, day, actor, note); err != nil {
			return err
		}
	}
	linkCol, err := tx.FindCachedCollectionByNameOrId("unit_residents")
	if err != nil {
		return err
	}
	for _, res := range to {
		if keep[res] {
			continue
		}
		l := core.NewRecord(linkCol)
		l.Set("unit", unit)
		l.Set("resident", res)
		l.Set("relation", "owner")
		l.Set("since", day)
		if err := tx.Save(l); err != nil {
			return fmt.Errorf("new owner link: %w", err)
		}
		if err := RecordEvent(tx, Event{Subject: l, Action: "create", To: "true", Actor: actor, Note: note}); err != nil {
			return err
		}
	}
	// The old household's members (but the new owners' own) and vehicles.
	members, err := tx.FindAllRecords("household_members", dbx.HashExp{"unit": unit, "active": true})
	if err != nil {
		return err
	}
	for _, m := range members {
		if res := m.GetString("resident"); res != "" && slices.Contains(to, res) || m.GetString("relation") == "tenant" {
			continue
		}
		m.Set("left_on", day)
		if err := tx.Save(m); err != nil {
			return fmt.Errorf("member left: %w", err)
		}
		if err := RecordEvent(tx, Event{Subject: m, Action: "status", From: "true", To: fmt.Sprint(m.GetBool("active")), Actor: actor, Note: note}); err != nil {
			return err
		}
	}
	vehicles, err := tx.FindAllRecords("vehicles", dbx.HashExp{"unit": unit, "active": true})
	if err != nil {
		return err
	}
	for _, v := range vehicles {
		v.Set("active", false)
		v.Set("parking_space", "")
		if err := tx.Save(v); err != nil {
			return fmt.Errorf("vehicle retired: %w", err)
		}
		if err := RecordEvent(tx, Event{Subject: v, Action: "status", From: "true", To: "false", Actor: actor, Note: note}); err != nil {
			return err
		}
	}
	if f, err := tx.FindFirstRecordByFilter("household_files", "unit = {:u}", dbx.Params{"u": unit}); err == nil && f.GetString("emergency_name")+f.GetString("emergency_phone") != "" {
		for _, k := range []string{"emergency_name", "emergency_phone", "emergency_relation"} {
			f.Set(k, "")
		}
		if err := tx.Save(f); err != nil {
			return fmt.Errorf("household file: %w", err)
		}
		if err := RecordEvent(tx, Event{Subject: f, Action: "update", Actor: actor, Note: note + " [emergency_name emergency_phone emergency_relation]"}); err != nil {
			return err
		}
	}
	return RecordEvent(tx, Event{Subject: r, Action: "create", Actor: actor,
		Note: fmt.Sprintf("%s → %s", strings.Join(r.GetStringSlice("from_owners"), ","), strings.Join(to, ","))})
}

// endLink ends a link on day (not before its start) and records it.
func endLink(tx core.App, l *core.Record, day string, actor *core.Record, note string) error {
	until := day
	if s := l.GetString("since"); s > until {
		until = s
	}
	l.Set("until", until)
	if err := tx.Save(l); err != nil {
		return fmt.Errorf("end link: %w", err)
	}
	return RecordEvent(tx, Event{Subject: l, Action: "status", From: "true", To: fmt.Sprint(l.GetBool("active")), Actor: actor, Note: note})
}

func init() {
	for k, v := range map[string]text{
		"wuye_transfer_future":        {"过户日期不能晚于今天（办理完成后再登记）", "The transfer date cannot be after today (record a transfer once it is done)."},
		"wuye_transfer_before_since":  {"过户日期早于现业主的登记起始日 %[1]v", "The transfer date is before the current owner's link began (%[1]v)."},
		"wuye_transfer_same_owners":   {"新业主与现业主相同，无需过户", "The new owners are the current owners: nothing to transfer."},
		"wuye_transfer_needs_consent": {"新业主是其他小区的住户：请先在房屋登记中为其添加登记，待本人在门户确认后再办理过户", "The new owner lives in another community: link them to the unit first and, once they have agreed in the portal, record the transfer."},
		"wuye_transfer_out_of_order":  {"该房屋已有更晚日期的过户记录", "This unit already has a later transfer."},
	} {
		messages[k] = v
	}
	// The new owners may live anywhere yet (people belong to no
	// community, as on unit_residents); the old ones are the server's.
	scopeExempt["ownership_transfers.to_owners"] = true
	scopeExempt["ownership_transfers.from_owners"] = true
}

// Today is the Shanghai civil date the server keeps today (its clock), for
// the tests that record a transfer on it.
func Today() string { return today() }
