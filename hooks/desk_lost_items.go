package hooks

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/workcal"
)

// Lost and found ([001] 中汇广场 十二; docs/DESIGN.md, "Front desk
// registers"): an item found by a colleague or a visitor is written in the
// register — when and where it was found, what it is and what it looks
// like, who found it, who wrote it down — and kept; a valuable (papers,
// cash, securities or anything worth over 500 yuan) for one year, anything
// else for three months; a claimant describes it, shows an ID and signs;
// after the period the department disposes of it and the record says how.
// Residents see the items held, without finder or claimant, through GET
// /api/wuye/found-items (the portal's notice board of found items, 十二 3).

// LostItemFlow is the found item's table of steps.
var LostItemFlow = []Step{
	{From: "held", To: "claimed", Verb: text{"认领登记", "Record the claim"}, Actors: lostWriters, Requires: []string{"claimant_name", "claimant_id_no"}, Extras: []string{"claimant_phone", "signature"}, Stamp: "claimed_at", Guard: claimantSigned},
	// Disposal is the department manager's call ([001] 十二 4: 由部门经理上报公司处理).
	{From: "held", To: "disposed", Verb: text{"到期处理", "Dispose of after the period"}, Actors: []string{RoleSupervisor, RoleDirector}, Requires: []string{"disposal_note"}, Stamp: "disposed_at", Guard: keptLongEnough},
}

var lostItemFlow = &Flow{
	Noun: text{"拾遗物品", "found item"}, Steps: LostItemFlow, Terminal: []string{"claimed", "disposed"},
	Labels: map[string]text{"held": {"保管中", "held"}, "claimed": {"已认领", "claimed"}, "disposed": {"已处理", "disposed of"}},
	Actors: staffActor,
	Editable: func(actors []string, from string) []string {
		if hasAny(actors, lostWriters) && from == "held" {
			return []string{"item_name", "description", "found_place", "value_class", "photo", "finder_phone"}
		}
		return nil
	},
}

func claimantSigned(r *core.Record) error {
	if r.GetString("signature") == "" && len(r.GetUnsavedFiles("signature")) == 0 {
		return badRequest(validation.Errors{"signature": codedError("wuye_signature_needed")})
	}
	return nil
}

// keptLongEnough: nothing is disposed of before its keeping period is over.
func keptLongEnough(r *core.Record) error {
	if until := r.GetString("keep_until"); until != "" && today() <= until {
		return badRequest(validation.Errors{"status": codedError("wuye_lost_not_due", until, until)})
	}
	return nil
}

// KeepUntil is the last day an item found on day (YYYY-MM-DD) is kept: a
// year for a valuable, three months for anything else ([001] 十二 4).
func KeepUntil(day, valueClass string) string {
	t := civil(day)
	if valueClass == "valuable" {
		t = t.AddDate(1, 0, 0)
	} else {
		t = t.AddDate(0, 3, 0)
	}
	return t.Format(time.DateOnly)
}

func registerLostItems(app core.App) {
	app.OnRecordCreateRequest("lost_items").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := prepareLostItem(e.Record, e.Auth); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error { return afterLostItemFound(tx, e.Record, e.Auth) })
	})
	bindFlowUpdates(app, "lost_items", planLostItemUpdate, afterLostItemUpdate, "status")
	app.OnRecordDelete("lost_items").BindFunc(refuseDelete)
	addJob(app, "wuye_lost_items", "0 8 * * *", jobStep{"flag found items kept their time", FlagLostItemsDue})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/found-items", foundItems).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// RegisterLostItem writes a found item in the register as the desk would
// through the API.
func RegisterLostItem(app core.App, l, auth *core.Record) error {
	if err := prepareLostItem(l, auth); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(l); err != nil {
			return err
		}
		return afterLostItemFound(tx, l, auth)
	})
}

func prepareLostItem(l, auth *core.Record) error {
	found := l.GetDateTime("found_at")
	if found.IsZero() {
		return badRequest(validation.Errors{"found_at": codedError("validation_required")})
	}
	if found.Time().After(now().Add(5 * time.Minute)) {
		return badRequest(validation.Errors{"found_at": codedError("wuye_found_in_future")})
	}
	for _, f := range []string{"claimant_name", "claimant_id_no", "claimant_phone", "signature", "claimed_at", "handed_by",
		"disposal_note", "disposed_at", "disposed_by", "due"} {
		l.Set(f, nil)
	}
	l.Set("status", "held")
	l.Set("recorded_by", actorID(auth))
	l.Set("keep_until", KeepUntil(dayOf(found.Time()), l.GetString("value_class")))
	return nil
}

func afterLostItemFound(tx core.App, l, auth *core.Record) error {
	if err := RecordEvent(tx, Event{Subject: l, Action: "found", To: "held", Actor: auth, Note: shorten(l.GetString("description"), 60)}); err != nil {
		return err
	}
	title, body := FoundItemNotice(l)
	return enqueueFanout(tx, Fanout{Subject: l, Kind: "found_item", Title: title, Body: body,
		Audience: Audience{Community: l.GetString("community"), Kind: "community"}})
}

// FoundItemNotice is the notice of found item l to its community's
// residents ([001] 中汇广场 十二 3: the service center posts a notice of
// found items; whoever claims one must state its features and where it was
// lost, and show proof): what it is (its name, item_name) and the day it
// was found — never its description (名称及特征), its place, its value
// class or its photo, which the claimant must be able to tell. The notice
// goes out once, when the item is written in the register; a claimed or
// disposed-of item is not announced again.
func FoundItemNotice(l *core.Record) (title, body string) {
	name := strings.TrimSpace(l.GetString("item_name"))
	if name == "" {
		name = "物品一件"
	}
	day := dayOf(l.GetDateTime("found_at").Time())
	title = "招领启事：服务中心拾到" + name
	body = fmt.Sprintf("%s 拾到%s（登记号 %s）。失主请到客户服务中心认领：请说明物品特征和遗失地点，并出示有效证件。",
		day, name, l.GetString("serial"))
	return title, body
}

func planLostItemUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	step, err := lostItemFlow.Plan(auth, superuser, orig, r, nowDateTime())
	if err != nil {
		return step, err
	}
	// A reclassified item is kept as its new class says.
	if r.GetString("value_class") != orig.GetString("value_class") {
		r.Set("keep_until", KeepUntil(dayOf(r.GetDateTime("found_at").Time()), r.GetString("value_class")))
		r.Set("due", today() > r.GetString("keep_until"))
	}
	switch step.To {
	case "claimed":
		r.Set("handed_by", actorID(auth))
	case "disposed":
		r.Set("disposed_by", actorID(auth))
	}
	return step, nil
}

func afterLostItemUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To == "" {
		return nil
	}
	return RecordEvent(tx, Event{Subject: r, Action: "status", From: step.From, To: step.To, Actor: auth,
		Note: r.GetString("claimant_name") + r.GetString("disposal_note")})
}

// AdvanceLostItem moves the found item with id to status to as actor would
// through the API (the demo and the tests).
func AdvanceLostItem(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "lost_items", id, actor, to, fields, planLostItemUpdate, afterLostItemUpdate)
}

// FlagLostItemsDue flags, at time at, the items held past their keeping
// period and tells the community's supervisors and director, who decide
// what becomes of them ([001] 十二 4), once per item.
func FlagLostItemsDue(app core.App, at time.Time) (int, error) {
	due := dbx.NewExp("status = 'held' AND due = FALSE AND keep_until != '' AND keep_until < {:d}", dbx.Params{"d": dayOf(at)})
	return flagOnce(app, "lost_items_due", "lost_items", due, "due", "keeping_period_over", func(tx core.App, l *core.Record) error {
		return notifyManagers(tx, l, "lost_item_due",
			fmt.Sprintf("拾遗物品 %s（%s）保管期满无人认领，请处理", l.GetString("serial"), shorten(l.GetString("description"), 30)))
	})
}

// FoundItem is a held item as the found-items board lists it. Never who
// found it (nor, once claimed, who claimed it: claimed items are not
// listed). Residents see its name and the day only: whoever claims it
// must state its features and where it was lost ([001] 十二 3), so the
// description and the place stay with the staff.
type FoundItem struct {
	Serial      string `db:"serial" json:"serial"`
	ItemName    string `db:"item_name" json:"item_name"`
	Description string `db:"description" json:"description,omitempty"`
	FoundPlace  string `db:"found_place" json:"found_place,omitempty"`
	FoundAt     string `db:"found_at" json:"found_at"`
	KeepUntil   string `db:"keep_until" json:"keep_until"`
}

// foundItems answers GET /api/wuye/found-items?community=…: the items held
// in a community, for its residents and staff. A resident asks for a
// community they live in; staff for one they serve.
func foundItems(e *core.RequestEvent) error {
	community := e.Request.URL.Query().Get("community")
	ok := servesCommunity(e.Auth, community)
	if isResident(e.Auth) {
		lives, err := exists(e.App, "unit_residents", dbx.NewExp(
			"resident = {:r} AND active = TRUE AND unit IN (SELECT id FROM units WHERE community = {:c})",
			dbx.Params{"r": e.Auth.Id, "c": community}), "")
		if err != nil {
			return err
		}
		ok = lives
	}
	if !ok {
		return apis.NewForbiddenError("", nil)
	}
	out := []FoundItem{}
	if err := e.App.DB().NewQuery(`SELECT serial, item_name, description, found_place, found_at, keep_until FROM lost_items
		WHERE community = {:c} AND status = 'held' ORDER BY found_at DESC LIMIT 200`).Bind(dbx.Params{"c": community}).All(&out); err != nil {
		return err
	}
	for i := range out {
		if isResident(e.Auth) {
			out[i].Description, out[i].FoundPlace = "", ""
		}
		if t, err := time.Parse("2006-01-02 15:04:05.000Z", out[i].FoundAt); err == nil {
			out[i].FoundAt = t.In(workcal.Shanghai).Format(time.DateOnly) // the day, not the minute
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"items": out})
}
