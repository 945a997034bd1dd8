package hooks

import (
	"encoding/json"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// The notice board (公告, [000] 管理员 3.9; [004] 二 8): the office posts,
// residents of the notice's audience — the community, some of its buildings
// or some of its units — read it on the portal from starts_at until
// ends_at (the notices' read rule, migration 0082). Who posts and when is
// set here, never by the client, and every post and edit is an event.
func registerNotices(app core.App) {
	app.OnRecordCreateRequest("notices").BindFunc(func(e *core.RecordRequestEvent) error {
		// The author is the staff member posting; a superuser (the
		// dashboard) posts as nobody: its id is no staff record.
		author := ""
		if isStaff(e.Auth) {
			author = e.Auth.Id
		}
		e.Record.Set("author", author)
		e.Record.Set("published_at", nowDateTime())
		e.Record.Set("announced_at", "")
		e.Record.Set("announced_count", 0)
		if e.Record.GetDateTime("starts_at").IsZero() {
			e.Record.Set("starts_at", nowDateTime())
		}
		if err := checkNoticeUrgent(e, false); err != nil {
			return err
		}
		if err := checkNoticeAudience(e.App, e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := RecordEvent(tx, Event{Subject: e.Record, Action: "create", Actor: e.Auth, Note: e.Record.GetString("title")}); err != nil {
				return err
			}
			return enqueueFanout(tx, noticeFanout(e.Record))
		})
	})
	app.OnRecordUpdateRequest("notices").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		for _, f := range []string{"author", "published_at", "community", "announced_at", "announced_count"} {
			e.Record.Set(f, orig.Get(f))
		}
		if e.Record.GetDateTime("starts_at").IsZero() {
			e.Record.Set("starts_at", orig.GetDateTime("starts_at"))
		}
		if err := checkNoticeUrgent(e, orig.GetBool("urgent")); err != nil {
			return err
		}
		if err := checkNoticeAudience(e.App, e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := RecordEvent(tx, Event{Subject: e.Record, Action: "update", Actor: e.Auth, Note: e.Record.GetString("title")}); err != nil {
				return err
			}
			// Edited before it starts: announced as it now stands (its
			// audience, start, end). Once announced, an edit tells nobody.
			if orig.GetDateTime("announced_at").IsZero() {
				return enqueueFanout(tx, noticeFanout(e.Record))
			}
			return nil
		})
	})
	// Whatever writes a notice (the demo, an import): the whole community
	// from its publication, unless said otherwise.
	app.OnRecordCreate("notices").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("audience") == "" {
			e.Record.Set("audience", "community")
		}
		if e.Record.GetDateTime("starts_at").IsZero() {
			at := e.Record.GetDateTime("published_at")
			if at.IsZero() {
				at = nowDateTime()
			}
			e.Record.Set("starts_at", at)
		}
		return e.Next()
	})
	registerNoticeReads(app)
}

func init() {
	messages["wuye_audience_buildings"] = text{"请选择公告面向的楼栋（须属于本小区）", "Choose the buildings the notice is for (of this community)."}
	messages["wuye_audience_units"] = text{"请选择公告面向的房屋（须属于本小区）", "Choose the units the notice is for (of this community)."}
	messages["wuye_notice_ends"] = text{"结束时间必须晚于开始时间", "The end must be after the start."}
	messages["wuye_notice_urgent"] = text{"只有主管或总经理可以把公告标为紧急（紧急公告会给每户发一条短信）",
		"Only a supervisor or the director may mark a notice urgent (an urgent notice sends each household a text message)."}
}

// Audience is whom a notice or survey is aimed at: every household of a
// community, of some of its buildings, or some of its units.
type Audience struct {
	Community string
	Kind      string // community, buildings or units
	Buildings []string
	Units     []string
}

func audienceOf(r *core.Record) Audience {
	return Audience{Community: r.GetString("community"), Kind: r.GetString("audience"),
		Buildings: r.GetStringSlice("buildings"), Units: r.GetStringSlice("units")}
}

// checkNoticeAudience fills in the audience (the whole community unless
// said) and checks that its buildings or units are the community's and
// that the notice ends after it starts.
func checkNoticeAudience(app core.App, r *core.Record) error {
	if r.GetString("audience") == "" {
		r.Set("audience", "community")
	}
	if err := checkAudiencePlaces(app, r, r.GetString("audience")); err != nil {
		return err
	}
	if end := r.GetDateTime("ends_at"); !end.IsZero() && !end.Time().After(r.GetDateTime("starts_at").Time()) {
		return badRequest(validation.Errors{"ends_at": codedError("wuye_notice_ends")})
	}
	return nil
}

// checkAudiencePlaces checks that every building or unit given is of r's
// community, that the audience's kind has at least one, and keeps only the
// places of that kind.
func checkAudiencePlaces(app core.App, r *core.Record, kind string) error {
	for _, f := range []string{"buildings", "units"} {
		if r.Collection().Fields.GetByName(f) == nil {
			continue
		}
		ids := r.GetStringSlice(f)
		bad := kind == f && len(ids) == 0
		for _, id := range ids {
			p, err := app.FindRecordById(f, id)
			if err != nil || p.GetString("community") != r.GetString("community") {
				bad = true
			}
		}
		if bad {
			return badRequest(validation.Errors{f: codedError("wuye_audience_" + f)})
		}
		if kind != f {
			r.Set(f, []string{})
		}
	}
	return nil
}

// audienceUnitCond is the SQL condition on units u that u is a household
// an audience reaches: a unit of the audience's community, buildings or
// units that someone lives in (a current resident link). alias is the SQL
// alias of the record holding community, audience, buildings and (when
// hasUnits) units, as JSON lists.
func audienceUnitCond(alias string, hasUnits bool) string {
	units := ""
	if hasUnits {
		units = ` OR (` + alias + `.audience = 'units' AND u.id IN (SELECT value FROM json_each(` + alias + `.units)))`
	}
	return `u.community = ` + alias + `.community AND (` + alias + `.audience = 'community'
			OR (` + alias + `.audience = 'buildings' AND u.building IN (SELECT value FROM json_each(` + alias + `.buildings)))` + units + `)
			AND EXISTS (SELECT 1 FROM unit_residents l WHERE l.unit = u.id AND l.active = TRUE)`
}

// checkNoticeUrgent: only a supervisor or the director (or the dashboard)
// marks a notice urgent or takes the mark off, for an urgent notice sends
// each household a text message, which the office pays for, and goes out
// in the quiet hours too ([000] 管理员 3.9: notices are the manager's).
func checkNoticeUrgent(e *core.RecordRequestEvent, was bool) error {
	if e.Record.GetBool("urgent") == was || e.HasSuperuserAuth() || hasRole(e.Auth, RoleSupervisor, RoleDirector) {
		return nil
	}
	return apis.NewForbiddenError("", validation.Errors{"urgent": codedError("wuye_notice_urgent")})
}

// noticeFanout is how notice n is announced: to its audience from its
// start until its end, with its opening lines (a text message shows the
// first of them), urgent as marked.
func noticeFanout(n *core.Record) Fanout {
	return Fanout{Subject: n, Kind: "notice", Title: "公告：" + n.GetString("title"), Body: shorten(n.GetString("body"), 200),
		Audience: audienceOf(n), Urgent: n.GetBool("urgent"), NotBefore: n.GetDateTime("starts_at"), ExpiresAt: n.GetDateTime("ends_at")}
}

// announceToResidents tells every resident with a current, confirmed link
// to a unit of audience of subject (an opened survey, a new activity) as
// kind: a water stop in building 3 reaches building 3 only ([000] 管理员
// 3.9; [004] 二 8). It writes the fan-out in tx; the notifications follow
// in batches after commit (hooks/base_fanout.go).
func announceToResidents(tx core.App, subject *core.Record, audience Audience, kind, title string) error {
	prefix := map[string]string{"notice": "公告：", "survey": "问卷调查：", "activity": "社区活动："}[kind]
	return enqueueFanout(tx, Fanout{Subject: subject, Kind: kind, Title: prefix + title, Audience: audience})
}

// jsonList is ids as a JSON array, for json_each.
func jsonList(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// AnnounceNotice schedules the announcement of notice n, saved by other
// means than the API (the demo, an import), as a post through the API
// does: to its audience when it starts.
func AnnounceNotice(app core.App, n *core.Record) error {
	return app.RunInTransaction(func(tx core.App) error { return enqueueFanout(tx, noticeFanout(n)) })
}
