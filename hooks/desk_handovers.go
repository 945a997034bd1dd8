package hooks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/money"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// The front desk's shift handover (交接班, [000] 交接班制度; the 客服中心工作
// 记录表 and 交接班记录表 of [000] 前台 5.6–5.7) is a document of its own,
// shift_handovers, with this flow: the outgoing clerk opens it during the
// shift and Wuye gathers the shift's work log — the complaints and work
// orders taken, the payments received, the keys lent, the incidents raised —
// from the records themselves (交班人员 4.2.1 详细填写当班工作情况); at the
// end of the shift the clerk counts the cash, the remotes, the gas cards,
// the keys out and the parcels held (4.1.4 核对现金, 4.1.5 挂号信、包裹, 4.1.6
// 遥控器、气卡) and hands over, signing as themselves; the incoming clerk —
// another member of the desk — checks and signs (4.1.8 双方签字确认). A
// count that differs from what Wuye (or, for remotes and gas cards, the last
// handover) says flags the handover as a discrepancy and tells the
// supervisor at once.
var ShiftHandoverFlow = []Step{
	{From: "open", To: "handed", Verb: text{"交班签字", "Hand over and sign"}, Actors: []string{actorOutgoing}, Requires: []string{"to_staff"},
		Extras: []string{"cash_counted_fen", "items", "notes"}, Stamp: "handed_at"},
	{From: "handed", To: "accepted", Verb: text{"接班签字", "Take over and sign"}, Actors: []string{actorIncoming}, Extras: []string{"accept_note"}, Stamp: "accepted_at"},
}

// The parties of a handover.
const (
	actorOutgoing = "outgoing" // the clerk handing over: from_staff
	actorIncoming = "incoming" // the clerk taking over: to_staff
)

var shiftHandoverFlow = &Flow{
	Noun: text{"交接班记录", "shift handover"}, Steps: ShiftHandoverFlow, Terminal: []string{"accepted"},
	Labels: map[string]text{
		"open": {"当班中", "open"}, "handed": {"已交班待接班", "handed over"}, "accepted": {"已接班", "accepted"},
	},
	Actors: func(auth, r *core.Record) []string {
		if !isStaff(auth) {
			return nil
		}
		out := []string{auth.GetString("role")}
		if auth.Id == r.GetString("from_staff") {
			out = append(out, actorOutgoing)
		}
		if auth.Id == r.GetString("to_staff") {
			out = append(out, actorIncoming)
		}
		return out
	},
	Editable: func(actors []string, from string) []string {
		if from == "open" && slices.Contains(actors, actorOutgoing) {
			return []string{"to_staff", "cash_counted_fen", "items", "notes"}
		}
		return nil
	},
}

func init() {
	messages["wuye_handover_open_exists"] = text{"您在本小区已有未交班的交接班记录", "You already have an open handover in this community."}
	messages["wuye_handover_to_self"] = text{"接班人不能是交班人自己", "The incoming clerk cannot be the outgoing clerk."}
	messages["wuye_handover_to_not_desk"] = text{"接班人必须是本小区在岗的前台接待", "The incoming clerk must be an active front-desk clerk of this community."}
	messages["wuye_handover_items"] = text{"清点物品只能填写遥控器、气卡、外借钥匙、代收邮件的数量（0 到 100000 的整数）",
		"Counted items are the numbers of remotes, gas cards, keys out and parcels held (whole numbers from 0 to 100000)."}
	messages["wuye_handover_final"] = text{"交接班记录不能删除", "A shift handover is never deleted."}
	documentFieldLabels["from_staff"] = text{"交班人", "Outgoing clerk"}
	documentFieldLabels["to_staff"] = text{"接班人", "Incoming clerk"}
	documentFieldLabels["cash_counted_fen"] = text{"清点现金", "Cash counted"}
	documentFieldLabels["cash_expected_fen"] = text{"系统现金", "Cash expected"}
	documentFieldLabels["items"] = text{"清点物品", "Items counted"}
	documentFieldLabels["accept_note"] = text{"接班意见", "Incoming clerk's note"}
	documentFieldLabels["handed_at"] = text{"交班时间", "Handed over at"}
}

// handoverServerOwned are the fields only Wuye fills.
var handoverServerOwned = []string{"from_staff", "shift_start", "handed_at", "accepted_at", "cash_expected_fen",
	"cash_difference_fen", "items_expected", "work_log", "open_items", "accept_note", "discrepancy"}

func registerHandovers(app core.App) {
	app.OnRecordCreateRequest("shift_handovers").BindFunc(func(e *core.RecordRequestEvent) error {
		r := e.Record
		for _, f := range handoverServerOwned {
			r.Set(f, nil)
		}
		r.Set("status", "open")
		if isStaff(e.Auth) {
			r.Set("from_staff", e.Auth.Id)
		}
		if err := checkHandoverItems(r); err != nil {
			return err
		}
		return inTxAround(e, func(tx core.App) error {
			return prepareHandover(tx, r)
		}, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: r, Action: "handover_opened", To: "open", Actor: e.Auth})
		})
	})
	bindFlowUpdates(app, "shift_handovers", planHandoverUpdate, afterHandoverUpdate, "status")
	app.OnRecordDelete("shift_handovers").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_handover_final")})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/shift-handovers/{id}/sheet", handoverSheet).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// prepareHandover refuses a second open handover of the clerk and sets the
// shift's start: when the clerk last took over the desk of the community,
// or the start of the office day.
func prepareHandover(tx core.App, r *core.Record) error {
	clerk, community := r.GetString("from_staff"), r.GetString("community")
	if ok, err := exists(tx, "shift_handovers", dbx.HashExp{"community": community, "from_staff": clerk, "status": "open"}, ""); err != nil {
		return err
	} else if ok {
		return badRequest(validation.Errors{"community": codedError("wuye_handover_open_exists")})
	}
	t := now().In(workcal.Shanghai)
	start := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, workcal.Shanghai)
	var last types.DateTime
	_ = tx.DB().NewQuery(`SELECT MAX(handed_at) FROM shift_handovers WHERE community = {:c} AND to_staff = {:s} AND handed_at != ''`).
		Bind(dbx.Params{"c": community, "s": clerk}).Row(&last)
	if !last.IsZero() && last.Time().After(start.Add(-24*time.Hour)) {
		start = last.Time()
	}
	r.Set("shift_start", start.UTC())
	return nil
}

// checkHandoverItems: the counted items are numbers of the handover's kinds.
func checkHandoverItems(r *core.Record) error {
	raw := r.GetString("items")
	if raw == "" || raw == "null" {
		r.Set("items", map[string]int{})
		return nil
	}
	var m map[string]json.Number
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return badRequest(validation.Errors{"items": codedError("wuye_handover_items")})
	}
	out := map[string]int{}
	for k, v := range m {
		n, err := v.Int64()
		if !slices.Contains(migrations.HandoverItems, k) || err != nil || n < 0 || n > 100000 {
			return badRequest(validation.Errors{"items": codedError("wuye_handover_items")})
		}
		out[k] = int(n)
	}
	r.Set("items", out)
	return nil
}

// planHandoverUpdate judges a change against the flow: the incoming clerk is
// another active front-desk clerk of the community; at the hand-over Wuye
// gathers the shift's log and what the counts should be, and flags a
// difference.
func planHandoverUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	at, _ := types.ParseDateTime(now())
	step, err := shiftHandoverFlow.Plan(auth, superuser, orig, r, at)
	if err != nil {
		return step, err
	}
	if err := checkHandoverItems(r); err != nil {
		return step, err
	}
	if to := r.GetString("to_staff"); to != "" && to != orig.GetString("to_staff") || step.To == "handed" {
		if err := checkIncoming(app, r); err != nil {
			return step, err
		}
	}
	if step.To == "handed" {
		return step, closeShift(app, r, at.Time())
	}
	return step, nil
}

// checkIncoming: the incoming clerk is somebody else of the desk, active,
// serving the community.
func checkIncoming(app core.App, r *core.Record) error {
	to := r.GetString("to_staff")
	if to == r.GetString("from_staff") {
		return badRequest(validation.Errors{"to_staff": codedError("wuye_handover_to_self")})
	}
	s, err := app.FindRecordById("staff", to)
	if err != nil || s.GetString("role") != RoleFrontDesk || !s.GetBool("active") ||
		!slices.Contains(s.GetStringSlice("communities"), r.GetString("community")) {
		return badRequest(validation.Errors{"to_staff": codedError("wuye_handover_to_not_desk")})
	}
	return nil
}

// HandoverLog is the shift's work log (工作记录表), gathered from the records.
type HandoverLog struct {
	From         string     `db:"-" json:"from"`
	To           string     `db:"-" json:"to"`
	Complaints   int        `db:"complaints" json:"complaints"`
	WorkOrders   int        `db:"work_orders" json:"work_orders"`
	Payments     int        `db:"payments" json:"payments"`
	PaymentsFen  int64      `db:"payments_fen" json:"payments_fen"`
	CashFen      int64      `db:"cash_fen" json:"cash_fen"`
	KeysLent     int        `db:"keys_lent" json:"keys_lent"`
	KeysReturned int        `db:"keys_returned" json:"keys_returned"`
	Incidents    int        `db:"incidents" json:"incidents"`
	Entries      []LogEntry `db:"-" json:"entries"`
}

// LogEntry is one line of the work log or of the open items.
type LogEntry struct {
	At         string `db:"at" json:"at"`
	Kind       string `db:"kind" json:"kind"`
	Collection string `db:"collection" json:"collection"`
	ID         string `db:"id" json:"id"`
	Serial     string `db:"serial" json:"serial"`
	Status     string `db:"status" json:"status"`
	Summary    string `db:"summary" json:"summary"`
	AmountFen  int64  `db:"amount_fen" json:"amount_fen"`
}

// ShiftLog gathers clerk's work in community between from and to: the
// complaints and work orders they took, the payments they received (net of
// reversals; cash apart: what the desk should hold), the keys they lent and
// took back, the incidents they registered.
func ShiftLog(app core.App, community, clerk string, from, to time.Time) (HandoverLog, error) {
	p := dbx.Params{"c": community, "s": clerk,
		"from": from.UTC().Format(types.DefaultDateLayout), "to": to.UTC().Format(types.DefaultDateLayout)}
	log := HandoverLog{From: p["from"].(string), To: p["to"].(string)}
	err := app.DB().NewQuery(`SELECT
		(SELECT COUNT(*) FROM complaints WHERE community = {:c} AND receiver = {:s} AND received_at >= {:from} AND received_at < {:to}) AS complaints,
		(SELECT COUNT(*) FROM work_orders WHERE community = {:c} AND receiver = {:s} AND received_at >= {:from} AND received_at < {:to}) AS work_orders,
		(SELECT COUNT(*) FROM payments WHERE community = {:c} AND received_by = {:s} AND created >= {:from} AND created < {:to}) AS payments,
		(SELECT ` + fenTotal("amount_fen") + ` FROM payments WHERE community = {:c} AND received_by = {:s} AND created >= {:from} AND created < {:to}) AS payments_fen,
		(SELECT ` + fenTotal("amount_fen") + ` FROM payments WHERE community = {:c} AND received_by = {:s} AND method = 'cash' AND created >= {:from} AND created < {:to}) AS cash_fen,
		(SELECT COUNT(*) FROM key_loans WHERE community = {:c} AND lent_by = {:s} AND lent_at >= {:from} AND lent_at < {:to}) AS keys_lent,
		(SELECT COUNT(*) FROM key_loans WHERE community = {:c} AND returned_at >= {:from} AND returned_at < {:to}) AS keys_returned,
		(SELECT COUNT(*) FROM incidents WHERE community = {:c} AND reported_by = {:s} AND reported_at >= {:from} AND reported_at < {:to}) AS incidents`).
		Bind(p).One(&log)
	if err != nil {
		return log, fmt.Errorf("shift log: %w", err)
	}
	log.Entries = []LogEntry{}
	err = app.DB().NewQuery(`SELECT * FROM (
			SELECT received_at AS at, 'complaint' AS kind, 'complaints' AS collection, id, serial, status, category AS summary, 0 AS amount_fen
			FROM complaints WHERE community = {:c} AND receiver = {:s} AND received_at >= {:from} AND received_at < {:to}
				AND about_service_center = FALSE
			UNION ALL
			SELECT received_at, 'work_order', 'work_orders', id, serial, status, substr(description, 1, 60), 0
			FROM work_orders WHERE community = {:c} AND receiver = {:s} AND received_at >= {:from} AND received_at < {:to}
			UNION ALL
			SELECT created, 'payment', 'payments', id, serial, method, payer_name, amount_fen
			FROM payments WHERE community = {:c} AND received_by = {:s} AND created >= {:from} AND created < {:to}
			UNION ALL
			SELECT l.lent_at, 'key_lent', 'key_loans', l.id, k.label, CASE WHEN l.returned_at != '' THEN 'returned' ELSE 'out' END, l.borrower_name, 0
			FROM key_loans l JOIN keys k ON k.id = l.key WHERE l.community = {:c} AND l.lent_by = {:s} AND l.lent_at >= {:from} AND l.lent_at < {:to}
			UNION ALL
			SELECT reported_at, 'incident', 'incidents', id, serial, status, location, 0
			FROM incidents WHERE community = {:c} AND reported_by = {:s} AND reported_at >= {:from} AND reported_at < {:to}
		) ORDER BY at LIMIT 500`).Bind(p).All(&log.Entries)
	if err != nil {
		return log, fmt.Errorf("shift log entries: %w", err)
	}
	complaintsByCategory(log.Entries)
	return log, nil
}

// complaintsByCategory names the complaints of a sheet by their category,
// not their words: the sheet is read by the cashier and the next clerk, who
// may not read the complaint itself (its read rule, migrations/rules.go), and
// complaints about the service center are left off it altogether — they are
// the administration office's ([003] 2.2.8), and may be about the clerk.
func complaintsByCategory(entries []LogEntry) {
	for i := range entries {
		if entries[i].Kind == "complaint" {
			entries[i].Summary = "投诉：" + categoryLabels[entries[i].Summary]
		}
	}
}

// OpenItems are what the next shift follows up ([000] 交接班制度 3.1.2 当日未
// 完成派工单及未处理事件): the community's work orders and complaints taken
// since the shift began and not yet done, its incidents not yet reported up,
// and the keys out past their due time.
func OpenItems(app core.App, community string, from, to time.Time) ([]LogEntry, error) {
	p := dbx.Params{"c": community,
		"from": from.UTC().Format(types.DefaultDateLayout), "to": to.UTC().Format(types.DefaultDateLayout)}
	out := []LogEntry{}
	err := app.DB().NewQuery(`SELECT * FROM (
			SELECT received_at AS at, 'work_order' AS kind, 'work_orders' AS collection, id, serial, status, substr(description, 1, 60) AS summary, 0 AS amount_fen
			FROM work_orders WHERE community = {:c} AND received_at >= {:from}
				AND status IN ('new', 'dispatched', 'accepted', 'on_site', 'quoted', 'in_progress')
			UNION ALL
			SELECT received_at, 'complaint', 'complaints', id, serial, status, category, 0
			FROM complaints WHERE community = {:c} AND received_at >= {:from} AND status IN ('received', 'assigned', 'processing')
				AND about_service_center = FALSE
			UNION ALL
			SELECT reported_at, 'incident', 'incidents', id, serial, status, location, 0
			FROM incidents WHERE community = {:c} AND status != 'reported_up'
			UNION ALL
			SELECT l.due_at, 'key_overdue', 'key_loans', l.id, k.label, 'out', l.borrower_name, 0
			FROM key_loans l JOIN keys k ON k.id = l.key
			WHERE l.community = {:c} AND (l.returned_at = '' OR l.returned_at IS NULL) AND l.due_at != '' AND l.due_at < {:to}
		) ORDER BY at LIMIT 200`).Bind(p).All(&out)
	if err != nil {
		return nil, fmt.Errorf("open items: %w", err)
	}
	complaintsByCategory(out)
	return out, nil
}

// ExpectedItems are what the counts should be: the keys out and the parcels
// held as Wuye has them, the remotes and gas cards as the last handover of
// the community counted them (absent when there is none).
func ExpectedItems(app core.App, community, except string) (map[string]int, error) {
	out := map[string]int{}
	var keys int
	// A key handed to its owner at a move-in (key_loans.move_in) is not out
	// of the cabinet on loan: it is the owner's now (hooks/movein.go).
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM key_loans WHERE community = {:c} AND (returned_at = '' OR returned_at IS NULL) AND move_in = ''`).
		Bind(dbx.Params{"c": community}).Row(&keys); err != nil {
		return nil, fmt.Errorf("keys out: %w", err)
	}
	out["keys_out"] = keys
	parcels, err := heldParcels(app, community)
	if err != nil {
		return nil, err
	}
	out["parcels_held"] = parcels
	last, err := app.FindRecordsByFilter("shift_handovers", "community = {:c} && status != 'open' && id != {:x}", "-handed_at", 1, 0,
		dbx.Params{"c": community, "x": except})
	if err == nil && len(last) == 1 {
		var counted map[string]int
		if json.Unmarshal([]byte(last[0].GetString("items")), &counted) == nil {
			for _, k := range []string{"remotes", "gas_cards"} {
				if n, ok := counted[k]; ok {
					out[k] = n
				}
			}
		}
	}
	return out, nil
}

// closeShift fills in, at the hand-over, the shift's log, its open items,
// the cash the desk should hold (the cash the clerk received in the shift)
// and the counts expected, and flags a difference.
func closeShift(app core.App, r *core.Record, at time.Time) error {
	from := r.GetDateTime("shift_start").Time()
	log, err := ShiftLog(app, r.GetString("community"), r.GetString("from_staff"), from, at.Add(time.Millisecond))
	if err != nil {
		return err
	}
	open, err := OpenItems(app, r.GetString("community"), from, at)
	if err != nil {
		return err
	}
	expected, err := ExpectedItems(app, r.GetString("community"), r.Id)
	if err != nil {
		return err
	}
	r.Set("work_log", log)
	r.Set("open_items", open)
	r.Set("items_expected", expected)
	r.Set("cash_expected_fen", log.CashFen)
	diff := int64(r.GetInt("cash_counted_fen")) - log.CashFen
	r.Set("cash_difference_fen", diff)
	r.Set("discrepancy", diff != 0 || len(itemDifferences(r)) > 0)
	return nil
}

// itemDifferences lists the counted items that differ from what is expected.
func itemDifferences(r *core.Record) []string {
	var counted, expected map[string]int
	_ = json.Unmarshal([]byte(r.GetString("items")), &counted)
	_ = json.Unmarshal([]byte(r.GetString("items_expected")), &expected)
	var out []string
	for _, k := range migrations.HandoverItems {
		want, known := expected[k]
		got, given := counted[k]
		if known && (!given || got != want) {
			out = append(out, k)
		}
	}
	return out
}

var handoverItemLabels = map[string]text{
	"remotes": {"遥控器", "remotes"}, "gas_cards": {"气卡", "gas cards"},
	"keys_out": {"外借钥匙", "keys out"}, "parcels_held": {"代收邮件包裹", "parcels held"},
}

// afterHandoverUpdate records the step; a hand-over is told to the incoming
// clerk, and a discrepancy to the supervisors at once.
func afterHandoverUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To == "" {
		return nil
	}
	note := ""
	if step.To == "handed" {
		note = "现金 " + money.Yuan(int64(r.GetInt("cash_counted_fen"))) + " / 系统 " + money.Yuan(int64(r.GetInt("cash_expected_fen")))
	}
	if err := RecordEvent(tx, Event{Subject: r, Action: "handover_" + step.To, From: step.From, To: step.To, Actor: auth, Note: note}); err != nil {
		return err
	}
	if step.To != "handed" {
		return nil
	}
	from := staffName(tx, r.GetString("from_staff"))
	if to, err := tx.FindRecordById("staff", r.GetString("to_staff")); err == nil {
		if err := Notify(tx, Notice{Recipient: to, Kind: "handover_to_accept", Subject: r,
			Title: fmt.Sprintf("%s 已交班，请核对后签字接班", from)}); err != nil {
			return err
		}
	}
	if !r.GetBool("discrepancy") {
		return nil
	}
	what := ""
	if d := int64(r.GetInt("cash_difference_fen")); d != 0 {
		what = "现金差额 " + money.Yuan(d)
	}
	for _, k := range itemDifferences(r) {
		if what != "" {
			what += "，"
		}
		what += handoverItemLabels[k].zh + "数量不符"
	}
	if err := RecordEvent(tx, Event{Subject: r, Action: "handover_discrepancy", Actor: auth, Note: what}); err != nil {
		return err
	}
	return notifyRole(tx, r.GetString("community"), RoleSupervisor, r, "handover_discrepancy",
		fmt.Sprintf("%s 交班有出入：%s", from, what))
}

func staffName(app core.App, id string) string {
	if s, err := app.FindRecordById("staff", id); err == nil {
		return s.GetString("name")
	}
	return ""
}

// OpenHandover opens a handover of community for clerk as the API would.
func OpenHandover(app core.App, community string, clerk *core.Record) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId("shift_handovers")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Set("community", community)
	r.Set("from_staff", clerk.Id)
	r.Set("status", "open")
	r.Set("items", map[string]int{})
	err = app.RunInTransaction(func(tx core.App) error {
		if err := prepareHandover(tx, r); err != nil {
			return err
		}
		if err := tx.Save(r); err != nil {
			return err
		}
		return RecordEvent(tx, Event{Subject: r, Action: "handover_opened", To: "open", Actor: clerk})
	})
	return r, err
}

// AdvanceHandover moves a handover as actor would through the API.
func AdvanceHandover(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "shift_handovers", id, actor, to, fields, planHandoverUpdate, afterHandoverUpdate)
}

// handoverSheet answers GET /api/wuye/shift-handovers/{id}/sheet: the
// printed 客服中心交接班记录表 ([000] 前台 5.7) of a handover — for one still
// open, the shift so far — to those who may read the handover.
func handoverSheet(e *core.RequestEvent) error {
	r, err := readableRecord(e, "shift_handovers")
	if err != nil {
		return err
	}
	if r.GetString("status") == "open" {
		if err := closeShift(e.App, r, now()); err != nil {
			return err
		}
	}
	var log HandoverLog
	var open []LogEntry
	var items, expected map[string]int
	_ = json.Unmarshal([]byte(r.GetString("work_log")), &log)
	_ = json.Unmarshal([]byte(r.GetString("open_items")), &open)
	_ = json.Unmarshal([]byte(r.GetString("items")), &items)
	_ = json.Unmarshal([]byte(r.GetString("items_expected")), &expected)
	stamp := func(f string) string {
		if t := r.GetDateTime(f); !t.IsZero() {
			return t.Time().In(workcal.Shanghai).Format("2006-01-02 15:04")
		}
		return ""
	}
	community := ""
	if c, err := e.App.FindRecordById("communities", r.GetString("community")); err == nil {
		community = c.GetString("name")
	}
	return e.JSON(http.StatusOK, map[string]any{
		"id": r.Id, "community": community, "status": r.GetString("status"),
		"from_staff": staffName(e.App, r.GetString("from_staff")), "to_staff": staffName(e.App, r.GetString("to_staff")),
		"shift_start": stamp("shift_start"), "handed_at": stamp("handed_at"), "accepted_at": stamp("accepted_at"),
		"log": log, "open_items": open, "items": items, "items_expected": expected, "item_differences": itemDifferences(r),
		"cash_expected_fen": r.GetInt("cash_expected_fen"), "cash_counted_fen": r.GetInt("cash_counted_fen"),
		"cash_difference_fen": r.GetInt("cash_difference_fen"), "discrepancy": r.GetBool("discrepancy"),
		"notes": r.GetString("notes"), "accept_note": r.GetString("accept_note"),
	})
}
