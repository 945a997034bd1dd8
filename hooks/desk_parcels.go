package hooks

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
)

// Mail and parcels ([000] 前台 4.2; docs/DESIGN.md, "Front desk registers"):
// the desk signs for what the postman or a courier brings, per unit, with
// its kind, carrier and tracking number (4.2.1–4.2.2, 4.2.4.1); the
// household is told in the portal at once (4.2.3, 4.2.4.2: the same day);
// the collector signs on the screen, and shows an ID for registered mail
// (4.2.4); what lies uncollected for parcelOverdueDays is listed for the
// evening round's calls, 17:00–18:00 (4.2.4.2, 4.2.6.1); what nobody
// collects is returned (4.2.6.2).

// parcelOverdueDays: an item uncollected this many days is listed for a call
// (office practice; the manual says "逾期" without a number).
const parcelOverdueDays = 3

// parcelHeld are the statuses of an item still on the desk's shelf.
var parcelHeld = []string{"received", "notified"}

// ParcelFlow is the parcel's table of steps.
var ParcelFlow = []Step{
	{From: "received", To: "notified", Verb: text{"通知住户", "Notify the household"}, Actors: deskWriters, Extras: []string{"call_note"}, Stamp: "notified_at"},
	{From: "received", To: "picked_up", Verb: text{"签字领取", "Hand over against a signature"}, Actors: deskWriters, Requires: []string{"picked_up_by"}, Extras: []string{"picked_up_id_no", "signature"}, Stamp: "picked_up_at", Guard: collectorSigned},
	{From: "notified", To: "picked_up", Verb: text{"签字领取", "Hand over against a signature"}, Actors: deskWriters, Requires: []string{"picked_up_by"}, Extras: []string{"picked_up_id_no", "signature"}, Stamp: "picked_up_at", Guard: collectorSigned},
	{From: "received", To: "returned", Verb: text{"退件", "Return to sender"}, Actors: deskWriters, Requires: []string{"return_reason"}, Stamp: "returned_at"},
	{From: "notified", To: "returned", Verb: text{"退件", "Return to sender"}, Actors: deskWriters, Requires: []string{"return_reason"}, Stamp: "returned_at"},
}

var parcelFlow = &Flow{
	Noun: text{"邮件", "mail item"}, Steps: ParcelFlow, Terminal: []string{"picked_up", "returned"},
	Labels: map[string]text{
		"received": {"已签收待通知", "received"}, "notified": {"已通知待领取", "household notified"},
		"picked_up": {"已领取", "collected"}, "returned": {"已退件", "returned"},
	},
	Actors: staffActor,
	// While it waits, the desk notes its calls to the household.
	Editable: func(actors []string, from string) []string {
		if hasAny(actors, deskWriters) && slices.Contains(parcelHeld, from) {
			return []string{"call_note", "note"}
		}
		return nil
	},
}

// collectorSigned: the collector signs on the screen, and registered mail
// is handed over against an ID ([000] 前台 4.2.4).
func collectorSigned(r *core.Record) error {
	if r.GetString("signature") == "" && len(r.GetUnsavedFiles("signature")) == 0 {
		return badRequest(validation.Errors{"signature": codedError("wuye_signature_needed")})
	}
	if r.GetString("kind") == "registered_mail" && r.GetString("picked_up_id_no") == "" {
		return badRequest(validation.Errors{"picked_up_id_no": codedError("wuye_parcel_id_needed")})
	}
	return nil
}

func registerParcels(app core.App) {
	app.OnRecordCreateRequest("parcels").BindFunc(receiveParcel)
	bindFlowUpdates(app, "parcels", planParcelUpdate, afterParcelUpdate, "status")
	app.OnRecordDelete("parcels").BindFunc(refuseDelete)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/parcels/overdue", overdueParcels).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// ReceiveParcel signs for a parcel as the desk would through the API.
func ReceiveParcel(app core.App, p, auth *core.Record) error {
	residents, err := prepareParcel(app, p, auth)
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(p); err != nil {
			return err
		}
		return afterParcelReceived(tx, p, auth, residents)
	})
}

func receiveParcel(e *core.RecordRequestEvent) error {
	residents, err := prepareParcel(e.App, e.Record, e.Auth)
	if err != nil {
		return err
	}
	return inTx(e, func(tx core.App) error { return afterParcelReceived(tx, e.Record, e.Auth, residents) })
}

// prepareParcel fills in what the desk's signing-for decides: the unit's
// community, who signed and when; the household, if anyone of it has an
// account, is told at once, so the item starts as notified.
func prepareParcel(app core.App, p, auth *core.Record) ([]*core.Record, error) {
	community, err := unitCommunity(app, p.GetString("unit"), "unit")
	if err != nil {
		return nil, err
	}
	p.Set("community", community)
	for _, f := range []string{"notified_at", "called_at", "call_note", "picked_up_by", "picked_up_id_no", "signature", "picked_up_at",
		"handed_by", "return_reason", "returned_at"} {
		p.Set(f, nil)
	}
	p.Set("received_at", nowDateTime())
	p.Set("received_by", actorID(auth))
	p.Set("status", "received")
	residents, err := householdResidents(app, p.GetString("unit"))
	if err != nil {
		return nil, err
	}
	if len(residents) > 0 {
		p.Set("status", "notified")
		p.Set("notified_at", nowDateTime())
	}
	return residents, nil
}

var parcelKindNames = map[string]string{"registered_mail": "挂号信", "parcel": "包裹/快递", "letter": "信件", "newspaper": "报刊"}

func afterParcelReceived(tx core.App, p, auth *core.Record, residents []*core.Record) error {
	if err := RecordEvent(tx, Event{Subject: p, Action: "received", To: "received", Actor: auth, Public: true,
		Note: parcelKindNames[p.GetString("kind")] + " " + p.GetString("carrier") + " " + p.GetString("tracking_no")}); err != nil {
		return err
	}
	if len(residents) == 0 {
		return nil
	}
	title := fmt.Sprintf("您有%s在客服中心前台待领取", parcelKindNames[p.GetString("kind")])
	body := p.GetString("carrier") + " " + p.GetString("tracking_no")
	if p.GetString("kind") == "registered_mail" {
		body += "（挂号信请凭身份证件领取）"
	}
	for _, r := range residents {
		if err := Notify(tx, Notice{Recipient: r, Kind: "parcel_arrived", Title: title, Body: body, Subject: p}); err != nil {
			return err
		}
	}
	return RecordEvent(tx, Event{Subject: p, Action: "status", From: "received", To: "notified", Public: true})
}

func planParcelUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	step, err := parcelFlow.Plan(auth, superuser, orig, r, nowDateTime())
	if err != nil {
		return step, err
	}
	if r.GetString("call_note") != orig.GetString("call_note") {
		r.Set("called_at", nowDateTime())
	}
	if step.To == "picked_up" {
		r.Set("handed_by", actorID(auth))
	}
	return step, nil
}

func afterParcelUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To != "" {
		return RecordEvent(tx, Event{Subject: r, Action: "status", From: step.From, To: step.To, Actor: auth, Public: true,
			Note: r.GetString("picked_up_by") + r.GetString("return_reason")})
	}
	if r.GetString("call_note") != orig.GetString("call_note") {
		return RecordEvent(tx, Event{Subject: r, Action: "called", Actor: auth, Note: r.GetString("call_note")})
	}
	return nil
}

// AdvanceParcel moves the parcel with id to status to as actor would
// through the API (the demo and the tests).
func AdvanceParcel(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "parcels", id, actor, to, fields, planParcelUpdate, afterParcelUpdate)
}

// heldParcels counts the items of community still on the desk's shelf —
// signed for, not yet collected or returned — for the shift handover
// ([000] 交接班制度 4.1.5: 各类挂号信、包裹及杂志等业主重要物件进行当面交接).
func heldParcels(app core.App, community string) (int, error) {
	return deskCount(app, "parcels", "community = {:c} AND status IN ('received', 'notified')", dbx.Params{"c": community})
}

// OverdueParcel is one line of the evening round's call list.
type OverdueParcel struct {
	ID            string `db:"id" json:"id"`
	Unit          string `db:"unit" json:"unit"`
	UnitName      string `db:"unit_name" json:"unit_name"`
	Kind          string `db:"kind" json:"kind"`
	RecipientName string `db:"recipient_name" json:"recipient_name"`
	Carrier       string `db:"carrier" json:"carrier"`
	TrackingNo    string `db:"tracking_no" json:"tracking_no"`
	Status        string `db:"status" json:"status"`
	ReceivedAt    string `db:"received_at" json:"received_at"`
	CalledAt      string `db:"called_at" json:"called_at"`
	CallNote      string `db:"call_note" json:"call_note"`
}

// OverdueParcels are community's items still held days or more (whole
// Shanghai days) after they came in at time at, oldest first.
func OverdueParcels(app core.App, community string, days int, at time.Time) ([]OverdueParcel, error) {
	y, m, d := at.In(workcal.Shanghai).Date()
	cut := time.Date(y, m, d, 0, 0, 0, 0, workcal.Shanghai).AddDate(0, 0, 1-days)
	out := []OverdueParcel{}
	err := app.DB().NewQuery(`SELECT p.id, p.unit, b.code || '-' || u.number AS unit_name, p.kind, p.recipient_name, p.carrier,
		p.tracking_no, p.status, p.received_at, p.called_at, p.call_note
		FROM parcels p JOIN units u ON u.id = p.unit JOIN buildings b ON b.id = u.building
		WHERE p.community = {:c} AND p.status IN ('received', 'notified') AND p.received_at < {:cut}
		ORDER BY p.received_at`).Bind(dbx.Params{"c": community, "cut": cut.UTC().Format(types.DefaultDateLayout)}).All(&out)
	return out, err
}

// overdueParcels answers GET /api/wuye/parcels/overdue?community=…[&days=N]:
// the evening round's call list, for the register's readers.
func overdueParcels(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	community := q.Get("community")
	if !hasRole(e.Auth, deskReaders...) || !servesCommunity(e.Auth, community) {
		return apis.NewForbiddenError("", nil)
	}
	days := parcelOverdueDays
	if s := q.Get("days"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 365 {
			return badRequest(validation.Errors{"days": codedError("validation_invalid_value")})
		}
		days = n
	}
	list, err := OverdueParcels(e.App, community, days, now())
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"days": days, "items": list})
}
