package hooks

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
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
		if e.Record.GetDateTime("starts_at").IsZero() {
			e.Record.Set("starts_at", nowDateTime())
		}
		if err := checkNoticeAudience(e.App, e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := RecordEvent(tx, Event{Subject: e.Record, Action: "create", Actor: e.Auth, Note: e.Record.GetString("title")}); err != nil {
				return err
			}
			return announceToResidents(tx, e.Record, audienceOf(e.Record), "notice", e.Record.GetString("title"))
		})
	})
	app.OnRecordUpdateRequest("notices").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		e.Record.Set("author", orig.GetString("author"))
		e.Record.Set("published_at", orig.GetDateTime("published_at"))
		e.Record.Set("community", orig.GetString("community"))
		if e.Record.GetDateTime("starts_at").IsZero() {
			e.Record.Set("starts_at", orig.GetDateTime("starts_at"))
		}
		if err := checkNoticeAudience(e.App, e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "update", Actor: e.Auth, Note: e.Record.GetString("title")})
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

// announceToResidents tells every resident with a current, confirmed link
// to a unit of audience of subject (a notice, an opened survey, a new
// activity), in tx, as kind: a water stop in building 3 reaches building 3
// only ([000] 管理员 3.9; [004] 二 8). The notifications' deliveries are
// written with them (Notify, hooks/base_outbox.go).
func announceToResidents(tx core.App, subject *core.Record, audience Audience, kind, title string) error {
	where := "u.community = {:c}"
	params := dbx.Params{"c": audience.Community}
	switch audience.Kind {
	case "buildings":
		where += " AND u.building IN (SELECT value FROM json_each({:places}))"
		params["places"] = jsonList(audience.Buildings)
	case "units":
		where += " AND u.id IN (SELECT value FROM json_each({:places}))"
		params["places"] = jsonList(audience.Units)
	}
	rs, err := tx.FindAllRecords("residents", dbx.NewExp(`id IN (SELECT l.resident FROM unit_residents l JOIN units u ON u.id = l.unit
		WHERE `+where+` AND l.active = TRUE AND l.pending IS NOT TRUE)`, params))
	if err != nil {
		return fmt.Errorf("announce %s to residents: %w", kind, err)
	}
	prefix := map[string]string{"notice": "公告：", "survey": "问卷调查：", "activity": "社区活动："}[kind]
	for _, r := range rs {
		if err := Notify(tx, Notice{Recipient: r, Kind: kind, Title: prefix + title, Subject: subject}); err != nil {
			return err
		}
	}
	return nil
}

// jsonList is ids as a JSON array, for json_each.
func jsonList(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}
