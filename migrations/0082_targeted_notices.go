package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(targetedNoticesUp, targetedNoticesDown, "0082_targeted_notices.go")
}

// NoticeAudiences are whom a notice is aimed at ([000] 管理员 3.9; [004] 二
// 8): the whole community, some of its buildings (a water stop in building
// 3 reaches building 3 only) or some of its units.
var NoticeAudiences = []string{"community", "buildings", "units"}

// noticeAudienceRead is the residents' part of the notices' read rule from
// migration 0082: a resident of the community reads a notice once it starts
// and until it ends, when they live in its audience — the community, one of
// its buildings (the resident's buildings field, migration 0029) or one of
// its units (a current link to the unit: livesIn).
var noticeAudienceRead = and(residentOf("community"),
	`starts_at != ""`, `starts_at <= @now`, or(`ends_at = ""`, `ends_at > @now`),
	or(`audience = "community"`,
		and(`audience = "buildings"`, `buildings.id ?= @request.auth.buildings.id`),
		and(`audience = "units"`, livesIn("units.unit_residents_via_unit"))))

// targetedNoticesUp aims notices at an audience, schedules them (starts_at)
// and lets them expire (ends_at), and adds the read receipts (notice_reads):
// one per resident who opened the notice, written by Wuye
// (POST /api/wuye/notices/{id}/read), so the desk can call the households
// that have not read it.
func targetedNoticesUp(app core.App) error {
	buildings, err := app.FindCollectionByNameOrId("buildings")
	if err != nil {
		return err
	}
	units, err := app.FindCollectionByNameOrId("units")
	if err != nil {
		return err
	}
	err = changeCollection(app, "notices", "notices audience", func(n *core.Collection) error {
		n.Fields.Add(
			choice("audience", false, NoticeAudiences...),
			relMany("buildings", buildings, false),
			relMany("units", units, false),
			timestamp("starts_at"),
			timestamp("ends_at"),
		)
		n.AddIndex("idx_notices_community_starts", false, "community, starts_at", "")
		read := or(staffOf("community"), noticeAudienceRead)
		n.ListRule, n.ViewRule = rule(read), rule(read)
		return nil
	})
	if err != nil {
		return err
	}
	// The notices posted so far were for the whole community from the
	// moment they were published.
	if _, err := app.DB().NewQuery(`UPDATE notices SET audience = 'community', starts_at = published_at
		WHERE audience = '' OR audience IS NULL`).Execute(); err != nil {
		return fmt.Errorf("notices audience: %w", err)
	}

	notices, _ := app.FindCollectionByNameOrId("notices")
	_, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	r := core.NewBaseCollection("notice_reads")
	r.Fields.Add(
		&core.RelationField{Name: "notice", CollectionId: notices.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
		rel("resident", residents, true),
		timestamp("read_at"),
	)
	r.AddIndex("idx_notice_reads_notice_resident", true, "notice, resident", "")
	r.AddIndex("idx_notice_reads_resident", false, "resident", "")
	// Staff of the notice's community read the receipts; a resident their
	// own. Only Wuye writes them.
	read := or(staffOf("notice.community"), and(isResident, `resident = @request.auth.id`))
	setRules(r, rule(read), rule(read), nil, nil, nil)
	if err := app.Save(r); err != nil {
		return fmt.Errorf("notice_reads: %w", err)
	}
	return nil
}

func targetedNoticesDown(app core.App) error {
	if err := dropper("notice_reads")(app); err != nil {
		return err
	}
	return changeCollection(app, "notices", "notices audience", func(n *core.Collection) error {
		for _, f := range []string{"audience", "buildings", "units", "starts_at", "ends_at"} {
			n.Fields.RemoveByName(f)
		}
		n.RemoveIndex("idx_notices_community_starts")
		read := or(staffOf("community"), residentOf("community"))
		n.ListRule, n.ViewRule = rule(read), rule(read)
		return nil
	})
}
