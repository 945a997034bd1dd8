package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(surveysUp, dropper("survey_responses", "surveys"), "0083_surveys.go")
}

// SurveyKinds: an ordinary survey (征询意见调查表, [000] 管理员 4.6.2) or the
// annual owners' satisfaction survey ([002] 三 3.4; [004] 六 12), whose
// ratings are the dashboard's annual satisfaction.
var SurveyKinds = []string{"general", "satisfaction"}

// SurveyStatuses: drafted, open for answers, closed (hooks/surveys.go).
var SurveyStatuses = []string{"draft", "open", "closed"}

// SurveyAudiences: households of the whole community or of some buildings.
var SurveyAudiences = []string{"community", "buildings"}

// surveysUp adds surveys and their responses: one per household (unit) per
// survey, given by a resident who lives there while the survey is open.
func surveysUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	buildings, _ := app.FindCollectionByNameOrId("buildings")
	units, _ := app.FindCollectionByNameOrId("units")
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	s := core.NewBaseCollection("surveys")
	s.Fields.Add(
		rel("community", communities, true),
		text("title", true, 100),
		text("intro", false, 2000),
		choice("kind", true, SurveyKinds...),
		&core.JSONField{Name: "questions", MaxSize: 64 << 10},
		choice("audience", true, SurveyAudiences...),
		relMany("buildings", buildings, false),
		choice("status", true, SurveyStatuses...),
		rel("created_by", staff, false),
		timestamp("opened_at"),
		timestamp("closed_at"),
	)
	withAutodates(s)
	s.AddIndex("idx_surveys_community_status", false, "community, status", "")
	// Staff of the community read every survey; the desk, area managers,
	// supervisors and the director draw them up and run them. Residents read
	// the surveys put to their households, once opened.
	writer := and(staffOf("community"), `(@request.auth.role = "front_desk" || @request.auth.role = "area_manager" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
	read := or(staffOf("community"), and(residentOf("community"), `status != "draft"`,
		or(`audience = "community"`, `buildings.id ?= @request.auth.buildings.id`)))
	setRules(s, rule(read), rule(read), rule(writer), rule(writer), nil)
	if err := app.Save(s); err != nil {
		return fmt.Errorf("surveys: %w", err)
	}

	r := core.NewBaseCollection("survey_responses")
	r.Fields.Add(
		rel("survey", s, true),
		rel("unit", units, true),
		rel("resident", residents, true),
		&core.JSONField{Name: "answers", MaxSize: 32 << 10},
	)
	withCreated(r)
	r.AddIndex("idx_survey_responses_household", true, "survey, unit", "")
	// Staff of the community read the responses; a household its own. A
	// resident who lives in the unit answers for it (hooks/surveys.go
	// checks the survey is open and aimed at the unit); answers are kept.
	respRead := or(staffOf("survey.community"), livesIn("unit.unit_residents_via_unit"))
	create := livesIn("unit.unit_residents_via_unit") // as the resident signed in (the hook sets resident)
	setRules(r, rule(respRead), rule(respRead), rule(create), nil, nil)
	if err := app.Save(r); err != nil {
		return fmt.Errorf("survey_responses: %w", err)
	}
	return nil
}
