package hooks

import (
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
)

// A resident's account is the resident's (issue #16, item 1). The attack it
// answers: a supervisor of 银杏苑 linked a 翠湖花园 owner (ids are easy to come
// by) to a 银杏苑 unit, then — the residents' manage rule covering anyone ever
// linked to the caller's community — set the owner's password and e-mail and
// signed in as them. Now (with migrations/0030_resident_accounts.go):
//
//   - Staff never set a resident's password, e-mail or verified flag (there
//     is no manage rule). The desk of a community the resident lives in
//     starts a reset the resident completes: POST
//     /api/wuye/residents/{id}/password-reset mails PocketBase's reset link
//     to the address on the account, or — {"via":"in_person"}, for a
//     resident at the desk who cannot read that mailbox — answers a reset
//     link (valid 30 minutes, spent by its first use: setting the password
//     rotates the token key) that the clerk hands over in person. Either way it is recorded, and the
//     resident is told in the portal.
//   - A link made by staff to a resident who does not currently live in one
//     of the caller's communities is pending: inactive, it grants nothing
//     (neither the resident's account to the staff nor the unit to the
//     resident) until the resident confirms it in the portal
//     (GET /api/wuye/links/pending, POST /api/wuye/links/{id}/confirm or
//     /decline). An account never linked anywhere is the desk's own new
//     account and is linked at once: nobody else has a claim on it yet.
//   - The link's create response carries the resident's id only: the
//     resident's record is expanded only for those who may view it.
func init() {
	messages["wuye_link_pending_locked"] = text{"待住户确认的状态只能由住户本人在门户中确认或拒绝", "Only the resident can confirm or decline a link in the portal."}
	messages["wuye_link_not_pending"] = text{"这条登记不需要确认（已确认或已结束）", "This link is not waiting for confirmation."}
	messages["wuye_reset_desk_only"] = text{"只有住户所在小区的前台、客服主管或管理处主任可以为住户发起密码重设", "Only the front desk, a supervisor or the director of a community the resident lives in can start a password reset."}
}

// resetRoles may start a resident's password reset at the desk.
var resetRoles = []string{RoleFrontDesk, RoleSupervisor, RoleDirector}

func registerResidentAccounts(app core.App) {
	app.OnRecordCreateRequest("unit_residents").BindFunc(pendUnconfirmedLink)
	app.OnRecordUpdateRequest("unit_residents").BindFunc(lockLinkPending)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/residents/{id}/password-reset", deskPasswordReset).Bind(apis.RequireAuth("staff"))
		se.Router.GET("/api/wuye/links/pending", pendingLinks).Bind(apis.RequireAuth("residents"))
		se.Router.POST("/api/wuye/links/{id}/confirm", answerLink(true)).Bind(apis.RequireAuth("residents"))
		se.Router.POST("/api/wuye/links/{id}/decline", answerLink(false)).Bind(apis.RequireAuth("residents"))
		return se.Next()
	})
}

// pendUnconfirmedLink decides, whatever the body says, whether a link made
// through the API waits for the resident's consent.
func pendUnconfirmedLink(e *core.RecordRequestEvent) error {
	pending := false
	if !e.HasSuperuserAuth() {
		var err error
		if pending, err = needsConsent(e.App, e.Auth, e.Record.GetString("resident")); err != nil {
			return err
		}
	}
	e.Record.Set("pending", pending)
	if err := e.Next(); err != nil || !pending {
		return err
	}
	// Inside the audit hook's transaction (hooks/registry.go auditRequests).
	return Notify(e.App, Notice{Recipient: mustResident(e.App, e.Record.GetString("resident")), Kind: "link_to_confirm", Subject: e.Record,
		Title: "有一条房屋登记等待您确认 / A home registration is waiting for your confirmation",
		Body:  "请在“首页”确认或拒绝；确认前对方看不到您的资料。Confirm or decline it on the home page; until then the office sees nothing of your account."})
}

func mustResident(app core.App, id string) *core.Record {
	r, _ := app.FindRecordById("residents", id)
	return r
}

// needsConsent: a resident who lives in none of the caller's communities
// now, but has been linked somewhere before (or is waiting on a link), must
// agree to a new link.
func needsConsent(app core.App, auth *core.Record, residentID string) (bool, error) {
	resident, err := app.FindRecordById("residents", residentID)
	if err != nil {
		return false, nil // PocketBase refuses the unknown id itself
	}
	for _, c := range resident.GetStringSlice("communities") {
		if servesCommunity(auth, c) {
			return false, nil
		}
	}
	var n int
	err = app.DB().Select("count(*)").From("unit_residents").Where(dbx.HashExp{"resident": residentID}).Row(&n)
	return n > 0, err
}

// lockLinkPending keeps the pending flag out of clients' hands: only the
// resident's answer (answerLink) clears it.
func lockLinkPending(e *core.RecordRequestEvent) error {
	if !e.HasSuperuserAuth() && e.Record.GetBool("pending") != e.Record.Original().GetBool("pending") {
		return badRequest(validation.Errors{"pending": codedError("wuye_link_pending_locked")})
	}
	return e.Next()
}

// pendingLink is what the portal shows of a link waiting for the resident:
// the place and who asked, read by the server (the resident may not read
// the unit yet).
type pendingLink struct {
	ID        string `json:"id"`
	Community string `json:"community"`
	Unit      string `json:"unit"`
	Relation  string `json:"relation"`
	Since     string `json:"since"`
	Created   string `json:"created"`
}

// pendingLinks answers GET /api/wuye/links/pending: the signed-in
// resident's links that wait for their answer.
func pendingLinks(e *core.RequestEvent) error {
	links, err := e.App.FindAllRecords("unit_residents", dbx.HashExp{"resident": e.Auth.Id, "pending": true})
	if err != nil {
		return err
	}
	out := []pendingLink{}
	for _, l := range links {
		p := pendingLink{ID: l.Id, Relation: l.GetString("relation"), Since: l.GetString("since"), Created: l.GetString("created")}
		if u, err := e.App.FindRecordById("units", l.GetString("unit")); err == nil {
			p.Unit = u.GetString("number")
			if b, err := e.App.FindRecordById("buildings", u.GetString("building")); err == nil {
				p.Unit = strings.TrimSpace(b.GetString("name") + " " + p.Unit)
			}
			if c, err := e.App.FindRecordById("communities", u.GetString("community")); err == nil {
				p.Community = c.GetString("name")
			}
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b pendingLink) int { return strings.Compare(a.Created, b.Created) })
	return e.JSON(http.StatusOK, map[string]any{"items": out})
}

// answerLink answers POST /api/wuye/links/{id}/confirm and …/decline: the
// resident of a pending link confirms it (it becomes current, as its dates
// say) or declines it (it is removed; the timeline keeps the answer).
func answerLink(confirm bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		return e.App.RunInTransaction(func(tx core.App) error {
			l, err := tx.FindRecordById("unit_residents", e.Request.PathValue("id"))
			if err != nil || l.GetString("resident") != e.Auth.Id {
				return apis.NewNotFoundError("", nil)
			}
			if !l.GetBool("pending") {
				return badRequest(validation.Errors{"pending": codedError("wuye_link_not_pending")})
			}
			if !confirm {
				if err := RecordEvent(tx, Event{Subject: l, Action: "declined", From: "pending", To: "declined", Actor: e.Auth, Public: true}); err != nil {
					return err
				}
				if err := tx.Delete(l); err != nil {
					return err
				}
				return e.NoContent(http.StatusNoContent)
			}
			l.Set("pending", false)
			until := l.GetString("until")
			l.Set("active", until == "" || until > today())
			if err := tx.Save(l); err != nil {
				return err
			}
			if err := RecordEvent(tx, Event{Subject: l, Action: "confirmed", From: "pending", To: "confirmed", Actor: e.Auth, Public: true}); err != nil {
				return err
			}
			return e.JSON(http.StatusOK, map[string]any{"id": l.Id, "active": l.GetBool("active")})
		})
	}
}

// deskPasswordReset answers POST /api/wuye/residents/{id}/password-reset
// for the front desk, a supervisor or the director of a community the
// resident currently lives in, with an optional {"via":"email"|"in_person"}:
// {"sent":"email"} when the reset mail went to the account's address, or
// {"link": …, "minutes": 30} to hand over.
func deskPasswordReset(e *core.RequestEvent) error {
	resident, err := e.App.FindRecordById("residents", e.Request.PathValue("id"))
	if err != nil {
		return apis.NewNotFoundError("", nil)
	}
	serves := slices.ContainsFunc(resident.GetStringSlice("communities"), func(c string) bool { return servesCommunity(e.Auth, c) })
	if !serves {
		// Not one of the caller's residents: as if there were none.
		return apis.NewNotFoundError("", nil)
	}
	if !hasRole(e.Auth, resetRoles...) {
		return apis.NewForbiddenError("", validation.Errors{"role": codedError("wuye_reset_desk_only")})
	}
	// By mail unless the clerk asks for a link to hand over: a resident at
	// the desk may no longer read the mailbox on the account.
	var body struct {
		Via string `json:"via"`
	}
	if e.Request.ContentLength > 0 {
		if err := e.BindBody(&body); err != nil || (body.Via != "" && body.Via != "email" && body.Via != "in_person") {
			return badRequest(validation.Errors{"via": codedError("validation_in_invalid")})
		}
	}
	how := "in_person"
	if body.Via != "in_person" && resident.Email() != "" {
		how = "email"
	}
	var link string
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := RecordEvent(tx, Event{Subject: resident, Action: "password_reset", Actor: e.Auth, Note: how}); err != nil {
			return err
		}
		if err := Notify(tx, Notice{Recipient: resident, Kind: "password_reset", Subject: resident,
			Title: "物业服务中心为您发起了密码重设 / The service center started a password reset for you",
			Body:  "如果不是您本人要求的，请联系物业服务中心。If you did not ask for it, please contact the service center."}); err != nil {
			return err
		}
		if how == "email" {
			return nil
		}
		token, err := resident.NewPasswordResetToken()
		if err != nil {
			return err
		}
		link = strings.TrimRight(e.App.Settings().Meta.AppURL, "/") + "/#/reset/" + token
		return nil
	})
	if err != nil {
		return err
	}
	if how == "email" {
		if err := mails.SendRecordPasswordReset(e.App, resident); err != nil {
			return err
		}
		return e.JSON(http.StatusOK, map[string]any{"sent": "email"})
	}
	minutes := resident.Collection().PasswordResetToken.Duration / 60
	return e.JSON(http.StatusOK, map[string]any{"link": link, "minutes": minutes})
}
