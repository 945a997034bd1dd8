package hooks

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Surveys (征询意见调查表, [000] 管理员 4.6.2: returns of at least 70 %; the
// annual owners' satisfaction survey, [002] 三 3.4 and [004] 六 12: at
// least 90 % satisfied) are drawn up as a draft — single and multiple
// choice, 1–5 ratings, free text —, opened to the households of the
// community or of some buildings, and closed. Each household (unit)
// answers once, through any resident who lives there, while the survey is
// open; the answers must fit the questions.
var SurveyFlow = []Step{
	{From: "draft", To: "open", Verb: text{"发布调查", "Open the survey"}, Actors: surveyRunners, Stamp: "opened_at", Guard: surveyReady},
	{From: "open", To: "closed", Verb: text{"结束调查", "Close the survey"}, Actors: surveyRunners, Stamp: "closed_at"},
}

// surveyRunners draw surveys up and run them: the desk, the area managers
// who visit the households ([000] 管理员 4.6.2), supervisors and the
// director (the surveys' create and update rules, migration 0083).
var surveyRunners = []string{RoleFrontDesk, RoleAreaManager, RoleSupervisor, RoleDirector}

// SurveyReturnTarget is the share of the audience's households that should
// answer a survey ([000] 管理员 4.6.2: 回收率 ≥ 70%).
const SurveyReturnTarget = 0.7

var surveyFlow = &Flow{
	Noun: text{"调查", "survey"}, Steps: SurveyFlow, Terminal: []string{"closed"},
	Labels: map[string]text{"draft": {"草稿", "draft"}, "open": {"进行中", "open"}, "closed": {"已结束", "closed"}},
	Actors: func(auth, r *core.Record) []string {
		if isStaff(auth) {
			return []string{auth.GetString("role")}
		}
		return nil
	},
	Editable: func(actors []string, from string) []string {
		if hasAny(actors, surveyRunners) && from == "draft" {
			return []string{"title", "intro", "kind", "questions", "audience", "buildings"}
		}
		return nil
	},
}

func init() {
	messages["wuye_survey_questions"] = text{"调查问题有误：%[1]v", "The questions are not right: %[2]v"}
	messages["wuye_survey_no_questions"] = text{"调查至少要有一个问题才能发布", "A survey needs at least one question before it opens."}
	messages["wuye_survey_not_open"] = text{"该调查未在进行中，不能提交", "The survey is not open; answers cannot be given."}
	messages["wuye_survey_answered"] = text{"您家已填写过这份调查，每户只填一份", "Your household has already answered this survey (one per household)."}
	messages["wuye_survey_not_for_unit"] = text{"这份调查不面向该房屋", "This survey is not for this unit."}
	messages["wuye_survey_answers"] = text{"答案有误：%[1]v", "The answers are not right: %[2]v"}
	messages["wuye_audience_buildings_survey"] = text{"请选择调查面向的楼栋（须属于本小区）", "Choose the buildings the survey is for (of this community)."}
	documentFieldLabels["questions"] = text{"问题", "Questions"}
	documentFieldLabels["intro"] = text{"说明", "Introduction"}
}

// SurveyQuestion is one question of a survey's questions (JSON list).
type SurveyQuestion struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"` // single, multiple, rating (1–5) or text
	Title    string   `json:"title"`
	Options  []string `json:"options,omitempty"`
	Required bool     `json:"required"`
}

var questionID = regexp.MustCompile(`^[a-z0-9_]{1,20}$`)

// problem is a bilingual description of what is wrong.
type problem struct{ zh, en string }

func (p *problem) Error() string { return p.zh }

func newProblem(zh, en string, args ...any) *problem {
	return &problem{fmt.Sprintf(zh, args...), fmt.Sprintf(en, args...)}
}

// ParseSurveyQuestions reads and checks a survey's questions: 1–50 (0 in a
// draft is allowed by the caller), each with a unique id of lowercase
// letters, digits and _, a known type, a title of 1–200 characters, and for
// choices 2–20 distinct options of 1–100 characters (none for the others).
func ParseSurveyQuestions(raw []byte) ([]SurveyQuestion, *problem) {
	var qs []SurveyQuestion
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&qs); err != nil {
		return nil, newProblem("不是问题列表", "not a list of questions")
	}
	if len(qs) > 50 {
		return nil, newProblem("最多 50 个问题", "at most 50 questions")
	}
	seen := map[string]bool{}
	for i, q := range qs {
		n := i + 1
		if !questionID.MatchString(q.ID) || seen[q.ID] {
			return nil, newProblem("第 %d 题的编号无效或重复", "question %d has a bad or repeated id", n)
		}
		seen[q.ID] = true
		if t := strings.TrimSpace(q.Title); t == "" || len([]rune(t)) > 200 {
			return nil, newProblem("第 %d 题的题目须为 1–200 个字", "question %d needs a title of 1–200 characters", n)
		}
		switch q.Type {
		case "single", "multiple":
			if len(q.Options) < 2 || len(q.Options) > 20 {
				return nil, newProblem("第 %d 题须有 2–20 个选项", "question %d needs 2–20 options", n)
			}
			opts := map[string]bool{}
			for _, o := range q.Options {
				if t := strings.TrimSpace(o); t == "" || len([]rune(o)) > 100 || opts[o] {
					return nil, newProblem("第 %d 题的选项为空、太长或重复", "question %d has an empty, long or repeated option", n)
				}
				opts[o] = true
			}
		case "rating", "text":
			if len(q.Options) > 0 {
				return nil, newProblem("第 %d 题不需要选项", "question %d takes no options", n)
			}
		default:
			return nil, newProblem("第 %d 题的题型无效", "question %d has an unknown type", n)
		}
	}
	return qs, nil
}

// CheckSurveyAnswers checks answers (a JSON object: question id → answer)
// against the questions: a single choice one of its options, a multiple
// choice a list of distinct options, a rating a whole number 1–5, a text
// up to 1000 characters; every required question answered; nothing else.
func CheckSurveyAnswers(qs []SurveyQuestion, raw []byte) *problem {
	var answers map[string]json.RawMessage
	if err := json.Unmarshal(raw, &answers); err != nil || answers == nil {
		return newProblem("不是答案表", "not a set of answers")
	}
	byID := map[string]SurveyQuestion{}
	for _, q := range qs {
		byID[q.ID] = q
	}
	for id := range answers {
		if _, ok := byID[id]; !ok {
			return newProblem("没有编号为 %s 的问题", "there is no question %s", shorten(id, 20))
		}
	}
	for i, q := range qs {
		n := i + 1
		a, ok := answers[q.ID]
		if !ok || string(a) == "null" {
			if q.Required {
				return newProblem("第 %d 题必须回答", "question %d must be answered", n)
			}
			continue
		}
		bad := newProblem("第 %d 题的答案无效", "the answer to question %d is not valid", n)
		switch q.Type {
		case "single":
			var v string
			if json.Unmarshal(a, &v) != nil || !slices.Contains(q.Options, v) {
				return bad
			}
		case "multiple":
			var vs []string
			if json.Unmarshal(a, &vs) != nil || (q.Required && len(vs) == 0) {
				return bad
			}
			seen := map[string]bool{}
			for _, v := range vs {
				if !slices.Contains(q.Options, v) || seen[v] {
					return bad
				}
				seen[v] = true
			}
		case "rating":
			var v float64
			if json.Unmarshal(a, &v) != nil || v != float64(int(v)) || v < 1 || v > 5 {
				return bad
			}
		case "text":
			var v string
			if json.Unmarshal(a, &v) != nil || len([]rune(v)) > 1000 || (q.Required && strings.TrimSpace(v) == "") {
				return bad
			}
		}
	}
	return nil
}

func surveyQuestions(r *core.Record) ([]SurveyQuestion, *problem) {
	raw, _ := r.GetRaw("questions").(types.JSONRaw)
	return ParseSurveyQuestions(raw)
}

// surveyReady: a survey opens with at least one question.
func surveyReady(r *core.Record) error {
	if qs, p := surveyQuestions(r); p != nil || len(qs) == 0 {
		return badRequest(validation.Errors{"questions": codedError("wuye_survey_no_questions")})
	}
	return nil
}

// checkSurvey checks a survey's questions and audience as written.
func checkSurvey(app core.App, r *core.Record) error {
	if _, p := surveyQuestions(r); p != nil {
		return badRequest(validation.Errors{"questions": codedError("wuye_survey_questions", p.zh, p.en)})
	}
	if err := checkAudiencePlaces(app, r, r.GetString("audience")); err != nil {
		return badRequest(validation.Errors{"buildings": codedError("wuye_audience_buildings_survey")})
	}
	return nil
}

func registerSurveys(app core.App) {
	app.OnRecordCreateRequest("surveys").BindFunc(func(e *core.RecordRequestEvent) error {
		for _, f := range []string{"opened_at", "closed_at"} {
			e.Record.Set(f, nil)
		}
		e.Record.Set("status", "draft")
		e.Record.Set("created_by", actorID(e.Auth))
		if !isStaff(e.Auth) {
			e.Record.Set("created_by", "")
		}
		if err := checkSurvey(e.App, e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "survey_drafted", To: "draft", Actor: e.Auth, Note: e.Record.GetString("title")})
		})
	})
	bindFlowUpdates(app, "surveys", planSurveyUpdate, afterSurveyUpdate, "status")
	app.OnRecordDelete("surveys").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_survey_final")})
	})
	messages["wuye_survey_final"] = text{"调查记录不能删除", "A survey is never deleted."}

	app.OnRecordCreateRequest("survey_responses").BindFunc(func(e *core.RecordRequestEvent) error {
		if isResident(e.Auth) {
			e.Record.Set("resident", e.Auth.Id)
		}
		return inTxAround(e, func(tx core.App) error { return checkSurveyResponse(tx, e.Record) },
			func(tx core.App) error {
				return RecordEvent(tx, Event{Subject: e.Record, Action: "survey_answered", Actor: e.Auth})
			})
	})
	// A household's answers are what it said: kept as given, like a
	// signed form (read receipts likewise, hooks/notices_reads.go).
	app.OnRecordUpdate("survey_responses").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"answers": codedError("wuye_survey_response_final")})
	})
	messages["wuye_survey_response_final"] = text{"调查答卷提交后不能修改", "A response cannot be changed once given."}
	registerSurveyResults(app)
}

func planSurveyUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	at, _ := types.ParseDateTime(now())
	step, err := surveyFlow.Plan(auth, superuser, orig, r, at)
	if err != nil {
		return step, err
	}
	return step, checkSurvey(app, r)
}

// afterSurveyUpdate puts each step on the survey's timeline; an opened
// survey is announced to its households.
func afterSurveyUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To == "" {
		return RecordEvent(tx, Event{Subject: r, Action: "update", Actor: auth, Note: r.GetString("title")})
	}
	if err := RecordEvent(tx, Event{Subject: r, Action: "survey_" + step.To, From: step.From, To: step.To, Actor: auth, Note: r.GetString("title")}); err != nil {
		return err
	}
	if step.To == "open" {
		return announceToResidents(tx, r, Audience{Community: r.GetString("community"), Kind: r.GetString("audience"),
			Buildings: r.GetStringSlice("buildings")}, "survey", r.GetString("title"))
	}
	return nil
}

// checkSurveyResponse, in the response's transaction: the survey is open
// and aimed at the unit, the household has not answered yet, and the
// answers fit the questions. (The create rule has checked that the resident
// lives in the unit; the unique index on survey and unit stops a second
// response that slips past the check.)
func checkSurveyResponse(tx core.App, r *core.Record) error {
	s, err := tx.FindRecordById("surveys", r.GetString("survey"))
	if err != nil {
		return badRequest(validation.Errors{"survey": codedError("validation_missing_rel_records")})
	}
	if s.GetString("status") != "open" {
		return badRequest(validation.Errors{"survey": codedError("wuye_survey_not_open")})
	}
	var n int
	err = tx.DB().NewQuery(`SELECT COUNT(*) FROM surveys s JOIN units u ON ` + audienceUnitCond("s", false) + `
		WHERE s.id = {:s} AND u.id = {:u}`).Bind(dbx.Params{"s": s.Id, "u": r.GetString("unit")}).Row(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return badRequest(validation.Errors{"unit": codedError("wuye_survey_not_for_unit")})
	}
	if _, err := tx.FindFirstRecordByFilter("survey_responses", "survey = {:s} && unit = {:u}",
		dbx.Params{"s": s.Id, "u": r.GetString("unit")}); err == nil {
		return badRequest(validation.Errors{"unit": codedError("wuye_survey_answered")})
	}
	qs, _ := surveyQuestions(s)
	raw, _ := r.GetRaw("answers").(types.JSONRaw)
	if p := CheckSurveyAnswers(qs, raw); p != nil {
		return badRequest(validation.Errors{"answers": codedError("wuye_survey_answers", p.zh, p.en)})
	}
	return nil
}
