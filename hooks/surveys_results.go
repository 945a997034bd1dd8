package hooks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
)

// A survey's results: the return rate against its 70 % target ([000] 管理员
// 4.6.2), the count of each option, the average and spread of each rating,
// the latest texts — all worked out in SQL from the responses — and the
// responses as a sheet (.xlsx).

func registerSurveyResults(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/surveys/{id}/results", surveyResults).Bind(apis.RequireAuth("staff"))
		se.Router.GET("/api/wuye/surveys/{id}/export", surveyExport).Bind(apis.RequireAuth("staff"))
		return se.Next()
	})
}

// SurveyTally is one question's figures.
type SurveyTally struct {
	SurveyQuestion
	Answered int            `json:"answered"`
	Counts   map[string]int `json:"counts"`            // option (or rating 1–5) → responses
	Average  any            `json:"average,omitempty"` // ratings: mean, 2 places
	Texts    []string       `json:"texts,omitempty"`   // texts: the latest 50
}

// SurveyResult is the answer of GET /api/wuye/surveys/{id}/results.
type SurveyResult struct {
	Households int           `json:"households"` // of the audience, lived in
	Responses  int           `json:"responses"`
	ReturnRate any           `json:"return_rate"`
	Target     float64       `json:"target"`
	Questions  []SurveyTally `json:"questions"`
}

// SurveyReturn counts the households a survey is for and its responses.
func SurveyReturn(app core.App, id string) (households, responses int, err error) {
	var row struct {
		H int `db:"h"`
		R int `db:"r"`
	}
	err = app.DB().NewQuery(`SELECT (SELECT COUNT(*) FROM units u WHERE ` + audienceUnitCond("s", false) + `) AS h,
			(SELECT COUNT(*) FROM survey_responses r WHERE r.survey = s.id) AS r
		FROM surveys s WHERE s.id = {:id}`).Bind(dbx.Params{"id": id}).One(&row)
	if err != nil {
		return 0, 0, fmt.Errorf("survey return: %w", err)
	}
	return row.H, row.R, nil
}

// SurveyResults works out survey s's figures.
func SurveyResults(app core.App, s *core.Record) (*SurveyResult, error) {
	h, n, err := SurveyReturn(app, s.Id)
	if err != nil {
		return nil, err
	}
	out := &SurveyResult{Households: h, Responses: n, ReturnRate: ratio(n, h), Target: SurveyReturnTarget, Questions: []SurveyTally{}}
	qs, _ := surveyQuestions(s)
	// Every chosen option or rating, counted: a multiple choice's list is
	// opened up, one row per option ticked.
	var counts []struct {
		Q string `db:"q"`
		V string `db:"v"`
		N int    `db:"n"`
	}
	err = app.DB().NewQuery(`SELECT q, v, COUNT(*) AS n FROM (
			SELECT a.key AS q, CAST(a.value AS TEXT) AS v FROM survey_responses r, json_each(r.answers) a
				WHERE r.survey = {:id} AND a.type IN ('text', 'integer', 'real')
			UNION ALL
			SELECT a.key, CAST(m.value AS TEXT) FROM survey_responses r, json_each(r.answers) a, json_each(a.value) m
				WHERE r.survey = {:id} AND a.type = 'array')
		GROUP BY q, v`).Bind(dbx.Params{"id": s.Id}).All(&counts)
	if err != nil {
		return nil, fmt.Errorf("survey counts: %w", err)
	}
	var per []struct {
		Q   string  `db:"q"`
		N   int     `db:"n"`
		Avg float64 `db:"avg"`
	}
	err = app.DB().NewQuery(`SELECT a.key AS q, COUNT(*) AS n, COALESCE(AVG(CASE WHEN a.type IN ('integer', 'real') THEN a.value END), 0) AS avg
		FROM survey_responses r, json_each(r.answers) a
		WHERE r.survey = {:id} AND a.type != 'null' AND NOT (a.type = 'array' AND json_array_length(a.value) = 0) AND NOT (a.type = 'text' AND trim(a.value) = '')
		GROUP BY a.key`).Bind(dbx.Params{"id": s.Id}).All(&per)
	if err != nil {
		return nil, fmt.Errorf("survey answered: %w", err)
	}
	for _, q := range qs {
		t := SurveyTally{SurveyQuestion: q, Counts: map[string]int{}}
		for _, p := range per {
			if p.Q == q.ID {
				t.Answered = p.N
				if q.Type == "rating" && p.N > 0 {
					t.Average = float64(int(p.Avg*100+0.5)) / 100
				}
			}
		}
		switch q.Type {
		case "text":
			t.Texts = []string{}
			err = app.DB().NewQuery(`SELECT a.value FROM survey_responses r, json_each(r.answers) a
				WHERE r.survey = {:id} AND a.key = {:q} AND a.type = 'text' AND trim(a.value) != ''
				ORDER BY r.created DESC LIMIT 50`).Bind(dbx.Params{"id": s.Id, "q": q.ID}).Column(&t.Texts)
			if err != nil {
				return nil, fmt.Errorf("survey texts: %w", err)
			}
		default:
			keys := q.Options
			if q.Type == "rating" {
				keys = []string{"1", "2", "3", "4", "5"}
			}
			for _, k := range keys {
				t.Counts[k] = 0
			}
			for _, c := range counts {
				if c.Q == q.ID {
					if _, ok := t.Counts[c.V]; ok {
						t.Counts[c.V] = c.N
					}
				}
			}
		}
		out.Questions = append(out.Questions, t)
	}
	return out, nil
}

// surveyResults answers GET /api/wuye/surveys/{id}/results for the staff
// who may read the survey.
func surveyResults(e *core.RequestEvent) error {
	s, err := readableRecord(e, "surveys")
	if err != nil {
		return err
	}
	res, err := SurveyResults(e.App, s)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, res)
}

// surveyExport answers GET /api/wuye/surveys/{id}/export: the responses as
// a sheet, one row per household, one column per question.
func surveyExport(e *core.RequestEvent) error {
	s, err := readableRecord(e, "surveys")
	if err != nil {
		return err
	}
	lang := requestLang(e.Request)
	qs, _ := surveyQuestions(s)
	ex := export{title: text{"调查结果", "Survey results"},
		cols: []col{tc("楼栋", "Building", colText), tc("房号", "Unit", colText), tc("填写人", "Answered by", colText), tc("提交时间", "Answered at", colTime)}}
	for _, q := range qs {
		kind := colText
		if q.Type == "rating" {
			kind = colInt
		}
		ex.cols = append(ex.cols, col{head: text{q.Title, q.Title}, kind: kind, width: 18})
	}
	var resp []struct {
		Building string        `db:"building"`
		Number   string        `db:"number"`
		Name     string        `db:"name"`
		At       string        `db:"at"`
		Answers  types.JSONRaw `db:"answers"`
	}
	err = e.App.DB().NewQuery(`SELECT b.name AS building, u.number, COALESCE(p.name, '') AS name,
			strftime('%Y-%m-%d %H:%M', r.created, '+8 hours') AS at, r.answers
		FROM survey_responses r JOIN units u ON u.id = r.unit JOIN buildings b ON b.id = u.building
			LEFT JOIN residents p ON p.id = r.resident
		WHERE r.survey = {:id} ORDER BY b.code, u.number`).Bind(dbx.Params{"id": s.Id}).All(&resp)
	if err != nil {
		return fmt.Errorf("survey export: %w", err)
	}
	rows := [][]any{}
	for _, r := range resp {
		var answers map[string]any
		_ = json.Unmarshal(r.Answers, &answers)
		row := []any{r.Building, r.Number, r.Name, r.At}
		for _, q := range qs {
			switch v := answers[q.ID].(type) {
			case []any:
				parts := []string{}
				for _, x := range v {
					parts = append(parts, fmt.Sprint(x))
				}
				row = append(row, strings.Join(parts, "、"))
			case nil:
				row = append(row, "")
			case float64:
				row = append(row, int(v))
			default:
				row = append(row, fmt.Sprint(v))
			}
		}
		rows = append(rows, row)
	}
	f, err := sheetOf(e.App, ex, dbx.Params{}, rows, lang)
	if err != nil {
		return err
	}
	defer f.Close()
	day := today()
	e.Response.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	e.Response.Header().Set("Content-Disposition", attachment("survey_"+day+".xlsx", ex.title.in(lang)+"_"+day+".xlsx"))
	e.Response.WriteHeader(http.StatusOK)
	return f.Write(e.Response)
}

// AnnualSatisfaction is the share of satisfied ratings (4 or 5 of 5:
// 满意, 非常满意) among every rating answered in the community's annual
// satisfaction surveys ([002] 三 3.4; [004] 六 12) in the Shanghai
// calendar year of month, or nil when none was answered that year.
func AnnualSatisfaction(app core.App, community string, month time.Time) (any, error) {
	from := time.Date(month.Year(), 1, 1, 0, 0, 0, 0, workcal.Shanghai)
	var row struct {
		N  int `db:"n"`
		OK int `db:"ok"`
	}
	err := app.DB().NewQuery(`SELECT COUNT(*) AS n, COALESCE(SUM(CAST(a.value AS INTEGER) >= 4), 0) AS ok
		FROM surveys s JOIN survey_responses r ON r.survey = s.id, json_each(s.questions) q, json_each(r.answers) a
		WHERE s.community = {:c} AND s.kind = 'satisfaction' AND s.status != 'draft'
			AND r.created >= {:from} AND r.created < {:to}
			AND json_extract(q.value, '$.type') = 'rating' AND a.key = json_extract(q.value, '$.id')
			AND a.type IN ('integer', 'real')`).Bind(dbx.Params{"c": community,
		"from": from.UTC().Format(types.DefaultDateLayout), "to": from.AddDate(1, 0, 0).UTC().Format(types.DefaultDateLayout)}).One(&row)
	if err != nil {
		return nil, fmt.Errorf("annual satisfaction: %w", err)
	}
	return ratio(row.OK, row.N), nil
}
