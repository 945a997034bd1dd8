package hooks

import (
	"crypto/rand"
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Goods passes (出门条, [001] 中汇广场 十一; docs/DESIGN.md, "Front desk
// registers"): the pass is the goods' warrant to leave. A resident asks
// for one in the portal, or the desk fills it in; the service center
// confirms the applicant (十一 2: 由我部对…签名字样进行有效性确认) — a tenant's
// furniture and appliances only with the owner's consent, given in the
// portal or recorded by the desk; security checks it at the gate by the
// code printed on it, once (十一 2: 秩序维护部…现场确认，决定是否放行); a pass
// not used on its day expires. Printable (#/print/goods-pass/{id}), in two
// parts: security's and the service center's (一式两联).

// passCheckers may check a pass at the gate.
var passCheckers = []string{RoleSecurity, RoleFrontDesk, RoleSupervisor, RoleDirector}

// GoodsPassFlow is the pass's table of steps.
var GoodsPassFlow = []Step{
	{From: "requested", To: "approved", Verb: text{"核准放行", "Approve the pass"}, Actors: deskWriters, Extras: []string{"owner_consent"}, Stamp: "approved_at", Guard: ownerConsents},
	{From: "requested", To: "rejected", Verb: text{"不予放行", "Refuse the pass"}, Actors: deskWriters, Requires: []string{"reject_reason"}},
	{From: "approved", To: "used", Verb: text{"门岗核验", "Check at the gate"}, Actors: []string{actorGate}, Stamp: "used_at"},
	{From: "requested", To: "expired", Verb: text{"过期作废", "Expire"}, Actors: []string{actorSchedule}, Stamp: "expired_at"},
	{From: "approved", To: "expired", Verb: text{"过期作废", "Expire"}, Actors: []string{actorSchedule}, Stamp: "expired_at"},
}

var goodsPassFlow = &Flow{
	Noun: text{"出门条", "goods pass"}, Steps: GoodsPassFlow, Terminal: []string{"used", "rejected", "expired"},
	Labels: map[string]text{
		"requested": {"待客服中心确认", "awaiting confirmation"}, "approved": {"已确认可放行", "confirmed"},
		"used": {"已放行", "used"}, "rejected": {"未通过", "rejected"}, "expired": {"已过期", "expired"},
	},
	// Staff act by role; an owner of the unit is a party too (see
	// goodsPassActors, which needs the database to tell).
	Actors: staffActor,
	Editable: func(actors []string, from string) []string {
		if from != "requested" {
			return nil
		}
		var out []string
		if hasAny(actors, deskWriters) {
			out = append(out, "owner_consent", "tenant", "bulky", "items")
		}
		if slices.Contains(actors, actorOwner) {
			out = append(out, "consent_by")
		}
		return out
	},
}

// goodsPassActors is the pass flow's Actors with the owners of the pass's
// unit as the party actorOwner.
func goodsPassActors(app core.App) func(auth, r *core.Record) []string {
	return func(auth, r *core.Record) []string {
		if isResident(auth) && isOwnerOf(app, auth, r.GetString("unit")) {
			return []string{actorOwner}
		}
		return staffActor(auth, r)
	}
}

// isOwnerOf: auth is a current owner of the unit.
func isOwnerOf(app core.App, auth *core.Record, unit string) bool {
	ok, err := exists(app, "unit_residents", dbx.HashExp{"unit": unit, "resident": auth.Id, "relation": "owner", "active": true}, "")
	return err == nil && ok
}

// ownerConsents: a tenant's furniture and appliances leave with the owner's
// consent ([001] 十一; docs/DESIGN.md, "Front desk registers").
func ownerConsents(r *core.Record) error {
	if r.GetBool("tenant") && r.GetBool("bulky") && r.GetString("consent_by") == "" && strings.TrimSpace(r.GetString("owner_consent")) == "" {
		return badRequest(validation.Errors{"owner_consent": codedError("wuye_pass_owner_consent")})
	}
	return nil
}

func registerGoodsPasses(app core.App) {
	app.OnRecordCreateRequest("goods_passes").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := prepareGoodsPass(e.App, e.Record, e.Auth); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error { return afterGoodsPassRequested(tx, e.Record, e.Auth) })
	})
	bindFlowUpdates(app, "goods_passes", planGoodsPassUpdate, afterGoodsPassUpdate, "status")
	app.OnRecordDelete("goods_passes").BindFunc(refuseDelete)
	addJob(app, "wuye_goods_passes", "5 0 * * *", jobStep{"expire goods passes of past days", daily(ExpireGoodsPasses)})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/goods-passes/check", checkGoodsPass).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// RequestGoodsPass files a pass as auth would through the API.
func RequestGoodsPass(app core.App, g, auth *core.Record) error {
	if err := prepareGoodsPass(app, g, auth); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(g); err != nil {
			return err
		}
		return afterGoodsPassRequested(tx, g, auth)
	})
}

const passCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" // no 0/O, 1/I: read aloud at the gate

// newPassCode is the eight characters printed on a pass and typed at the
// gate: random, so a pass cannot be guessed from another.
func newPassCode() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = passCodeAlphabet[int(b[i])%len(passCodeAlphabet)]
	}
	return string(b)
}

func prepareGoodsPass(app core.App, g, auth *core.Record) error {
	community, err := unitCommunity(app, g.GetString("unit"), "unit")
	if err != nil {
		return err
	}
	g.Set("community", community)
	if d := g.GetString("valid_on"); d != "" && d < today() {
		return badRequest(validation.Errors{"valid_on": codedError("wuye_pass_day_past")})
	}
	for _, f := range []string{"consent_by", "approved_by", "approved_at", "reject_reason", "used_at", "checked_by", "expired_at"} {
		g.Set(f, nil)
	}
	g.Set("status", "requested")
	g.Set("code", newPassCode())
	if isResident(auth) {
		// A resident asks for themselves; a tenant's relation is the
		// registry's, not theirs to state.
		g.Set("applicant", auth.Id)
		g.Set("owner_consent", "")
		if g.GetString("applicant_name") == "" {
			g.Set("applicant_name", auth.GetString("name"))
		}
		if g.GetString("applicant_phone") == "" {
			g.Set("applicant_phone", auth.GetString("phone"))
		}
		tenant, err := exists(app, "unit_residents", dbx.HashExp{"unit": g.GetString("unit"), "resident": auth.Id, "relation": "tenant", "active": true}, "")
		if err != nil {
			return err
		}
		g.Set("tenant", tenant)
		if !tenant && isOwnerOf(app, auth, g.GetString("unit")) {
			g.Set("consent_by", auth.Id) // an owner's own pass
		}
	} else {
		g.Set("applicant", nil)
		g.Set("issued_by", actorID(auth))
	}
	return nil
}

func afterGoodsPassRequested(tx core.App, g, auth *core.Record) error {
	return RecordEvent(tx, Event{Subject: g, Action: "create", To: "requested", Actor: auth, Public: true, Note: shorten(g.GetString("items"), 60)})
}

func planGoodsPassUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	flow := *goodsPassFlow
	flow.Actors = goodsPassActors(app)
	step, err := flow.Plan(auth, superuser, orig, r, nowDateTime())
	if err != nil {
		return step, err
	}
	// An owner consents in their own name, only.
	if c := r.GetString("consent_by"); c != orig.GetString("consent_by") && !superuser && (c != actorID(auth) || !isResident(auth)) {
		return step, badRequest(validation.Errors{"consent_by": codedError("wuye_pass_consent_owner")})
	}
	if step.To == "used" && !superuser {
		return step, badRequest(validation.Errors{"status": codedError("wuye_pass_gate_only")})
	}
	if step.To == "approved" {
		r.Set("approved_by", actorID(auth))
	}
	return step, nil
}

func afterGoodsPassUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	switch {
	case step.To != "":
		return RecordEvent(tx, Event{Subject: r, Action: "status", From: step.From, To: step.To, Actor: auth, Public: true,
			Note: r.GetString("reject_reason")})
	case r.GetString("consent_by") != orig.GetString("consent_by"):
		return RecordEvent(tx, Event{Subject: r, Action: "owner_consented", Actor: auth, Public: true})
	}
	return nil
}

// AdvanceGoodsPass moves the pass with id to status to as actor would
// through the API (the demo and the tests).
func AdvanceGoodsPass(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "goods_passes", id, actor, to, fields, planGoodsPassUpdate, afterGoodsPassUpdate)
}

// ExpireGoodsPasses expires the passes of days before day still waiting or
// unused: a pass is good for its own day only.
func ExpireGoodsPasses(app core.App, day string) (int, error) {
	stale := dbx.NewExp("status IN ('requested', 'approved') AND valid_on < {:d}", dbx.Params{"d": day})
	return eachCandidate(app, "goods_passes", "goods_passes", stale, func(tx core.App, g, _ *core.Record) (bool, error) {
		from := g.GetString("status")
		if (from != "requested" && from != "approved") || g.GetString("valid_on") >= day {
			return false, nil
		}
		g.Set("status", "expired")
		g.Set("expired_at", nowDateTime())
		if err := tx.Save(g); err != nil {
			return false, err
		}
		return true, RecordEvent(tx, Event{Subject: g, Action: "status", From: from, To: "expired", Public: true})
	})
}

// PassCheck is the gate's answer: the pass as printed, for security to
// compare with the goods.
type PassCheck struct {
	ID            string `json:"id"`
	Serial        string `json:"serial"`
	Unit          string `json:"unit"`
	ApplicantName string `json:"applicant_name"`
	Items         string `json:"items"`
	ValidOn       string `json:"valid_on"`
	Status        string `json:"status"`
}

// checkGoodsPass answers POST /api/wuye/goods-passes/check {"code": …}:
// security at the gate types the pass's code; a confirmed pass of today is
// used up at once, so a second check of it is refused, as is one of
// another day or not confirmed ([001] 十一 2). Staff of another community
// are told no such pass exists.
func checkGoodsPass(e *core.RequestEvent) error {
	if !hasRole(e.Auth, passCheckers...) {
		return apis.NewForbiddenError("", nil)
	}
	var body struct {
		Code string `json:"code"`
	}
	if err := e.BindBody(&body); err != nil {
		return badRequest(validation.Errors{"code": codedError("validation_invalid_value")})
	}
	out, err := CheckGoodsPass(e.App, e.Auth, body.Code)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, out)
}

// CheckGoodsPass uses the pass with code at the gate as staff member auth
// (see checkGoodsPass).
func CheckGoodsPass(app core.App, auth *core.Record, code string) (PassCheck, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return PassCheck{}, badRequest(validation.Errors{"code": codedError("validation_required")})
	}
	var out PassCheck
	err := app.RunInTransaction(func(tx core.App) error {
		g, err := tx.FindFirstRecordByData("goods_passes", "code", code)
		if err != nil || !servesCommunity(auth, g.GetString("community")) {
			return apis.NewNotFoundError("", validation.Errors{"code": codedError("wuye_pass_unknown")})
		}
		from := g.GetString("status")
		switch {
		case from == "used":
			return apis.NewApiError(http.StatusConflict, "", validation.Errors{"code": codedError("wuye_pass_used")})
		case from == "approved" && g.GetString("valid_on") != today(), from == "expired":
			d := g.GetString("valid_on")
			return apis.NewApiError(http.StatusConflict, "", validation.Errors{"code": codedError("wuye_pass_wrong_day", d, d)})
		case from != "approved":
			l := goodsPassFlow.Labels[from]
			return apis.NewApiError(http.StatusConflict, "", validation.Errors{"code": codedError("wuye_pass_not_approved", l.zh, l.en)})
		}
		g.Set("status", "used")
		g.Set("used_at", nowDateTime())
		g.Set("checked_by", auth.Id)
		if err := tx.Save(g); err != nil {
			return err
		}
		unitName := ""
		if u, err := tx.FindRecordById("units", g.GetString("unit")); err == nil {
			if b, err := tx.FindRecordById("buildings", u.GetString("building")); err == nil {
				unitName = b.GetString("code") + "-" + u.GetString("number")
			}
		}
		out = PassCheck{ID: g.Id, Serial: g.GetString("serial"), Unit: unitName, ApplicantName: g.GetString("applicant_name"),
			Items: g.GetString("items"), ValidOn: g.GetString("valid_on"), Status: "used"}
		return RecordEvent(tx, Event{Subject: g, Action: "status", From: "approved", To: "used", Actor: auth, Public: true})
	})
	return out, err
}
