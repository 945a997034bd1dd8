package hooks

import (
	"encoding/json/jsontext"
	"encoding/json/v2"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// flowsByCollection are the state machines the pages read: the same tables
// the update hooks enforce, so a button is shown only for a step the server
// would accept from that actor.
var flowsByCollection = map[string]*Flow{
	"complaints":       complaintFlow,
	"work_orders":      workOrderFlow,
	"renovations":      renovationFlow,
	"hot_work_permits": hotWorkFlow,
	"deposit_refunds":  depositRefundFlow,
	"shift_handovers":  shiftHandoverFlow,
	"incidents":        incidentFlow,
	"parcels":          parcelFlow,
	"lost_items":       lostItemFlow,
	"goods_passes":     goodsPassFlow,
	"move_ins":         moveInFlow,
	"move_outs":        moveOutFlow,
	"surveys":          surveyFlow,
}

// flowDoc is a Flow as JSON for the pages (GET /api/wuye/flows).
type flowDoc struct {
	Noun     map[string]string            `json:"noun"`
	Statuses map[string]map[string]string `json:"statuses"`
	Terminal []string                     `json:"terminal"`
	Steps    []stepDoc                    `json:"steps"`
}

type stepDoc struct {
	From     string            `json:"from"`
	To       string            `json:"to"`
	Verb     map[string]string `json:"verb"`
	Actors   []string          `json:"actors"`
	Requires []string          `json:"requires"`
	Extras   []string          `json:"extras"`
}

func bilingual(t text) map[string]string { return map[string]string{"zh": t.zh, "en": t.en} }

// flowsDoc renders every flow table plus the field labels used in messages.
func flowsDoc() map[string]any {
	flows := map[string]flowDoc{}
	for name, f := range flowsByCollection {
		d := flowDoc{Noun: bilingual(f.Noun), Statuses: map[string]map[string]string{}, Terminal: f.Terminal}
		for code, label := range f.Labels {
			d.Statuses[code] = bilingual(label)
		}
		for _, s := range f.Steps {
			d.Steps = append(d.Steps, stepDoc{From: s.From, To: s.To, Verb: bilingual(s.Verb), Actors: s.Actors, Requires: s.Requires, Extras: s.Extras})
		}
		flows[name] = d
	}
	fields := map[string]map[string]string{}
	for name, label := range fieldLabels {
		fields[name] = bilingual(label)
	}
	return map[string]any{"flows": flows, "fields": fields}
}

func registerFlowsAPI(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// Written once, in one piece, so that it goes gzipped (compressJSON
		// decides on the first write; a streamed encoding wrote less than
		// jsonGzipMin first): 37 KB as JSON, 4 KB on the wire.
		// The same encoding as PocketBase's e.JSON (json v2: an empty list is [], not null).
		doc, err := json.Marshal(flowsDoc(), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
		if err != nil {
			return err
		}
		// Public: status names and step tables are no secret, and the
		// sign-in page already needs them for its language switch.
		se.Router.GET("/api/wuye/flows", func(e *core.RequestEvent) error {
			e.Response.Header().Set("Cache-Control", "public, max-age=300")
			return e.Blob(http.StatusOK, "application/json", doc)
		})
		return se.Next()
	})
}
