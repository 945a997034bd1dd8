package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(activitiesUp, dropper("activity_signups", "activities"), "0084_activities.go")
}

// ActivityKinds: community cultural activities (社区文化活动) and the
// owners' forums (恳谈会) of [000] 管理员 4.10.
var ActivityKinds = []string{"culture", "forum", "other"}

// activitiesUp adds community activities and the residents' sign-ups:
// capacity and the sign-up deadline (the start) are enforced by
// hooks/activities.go in the transaction of each sign-up.
func activitiesUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	units, _ := app.FindCollectionByNameOrId("units")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	a := core.NewBaseCollection("activities")
	a.Fields.Add(
		rel("community", communities, true),
		text("title", true, 100),
		choice("kind", true, ActivityKinds...),
		text("place", false, 100),
		text("description", false, 2000),
		&core.DateField{Name: "starts_at", Required: true},
		&core.NumberField{Name: "capacity", Required: true, OnlyInt: true, Min: floatPtr(1), Max: floatPtr(10000)},
		rel("created_by", staff, false),
	)
	withAutodates(a)
	a.AddIndex("idx_activities_community_starts", false, "community, starts_at", "")
	// Staff of the community read activities; the desk, area managers,
	// supervisors and the director organise them; residents of the
	// community read them.
	writer := and(staffOf("community"), `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	read := or(staffOf("community"), residentOf("community"))
	setRules(a, rule(read), rule(read), rule(writer), rule(writer), nil)
	if err := app.Save(a); err != nil {
		return fmt.Errorf("activities: %w", err)
	}

	s := core.NewBaseCollection("activity_signups")
	s.Fields.Add(
		&core.RelationField{Name: "activity", CollectionId: a.Id, Required: true, MaxSelect: 1},
		rel("resident", residents, true),
		rel("unit", units, false),
		text("note", false, 200), // the resident's word: "带两个孩子"
		flag("attended"),
		rel("marked_by", staff, false),
	)
	withAutodates(s)
	s.AddIndex("idx_activity_signups_once", true, "activity, resident", "")
	// Staff of the community read the sign-ups and mark attendance (the
	// organisers); a resident signs up for an activity of their community,
	// as themselves (the hook sets resident), reads and cancels their own
	// (hooks/activities.go refuses a cancellation once the activity starts).
	organiser := and(staffOf("activity.community"), `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	own := and(isResident, `resident = @request.auth.id`)
	signupRead := or(staffOf("activity.community"), own)
	setRules(s, rule(signupRead), rule(signupRead), rule(residentOf("activity.community")), rule(organiser),
		rule(own))
	if err := app.Save(s); err != nil {
		return fmt.Errorf("activity_signups: %w", err)
	}
	return nil
}
