package hooks

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// requestLang picks the response language: English when the client asks for
// it (?lang=en or an Accept-Language whose first choice is English), Chinese
// otherwise — the users are Chinese first.
func requestLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		if strings.HasPrefix(strings.ToLower(l), "en") {
			return "en"
		}
		return "zh"
	}
	first := strings.TrimSpace(strings.Split(r.Header.Get("Accept-Language"), ",")[0])
	if strings.HasPrefix(strings.ToLower(first), "en") {
		return "en"
	}
	return "zh"
}

// localizeErrors is a router middleware that rewrites every API error in the
// caller's language and, when the error carries field errors, turns its
// top-level message into a sentence that names the fields, e.g.
// "房号：该楼栋已有房号 101；建筑面积：建筑面积必须大于 0".
func localizeErrors(e *core.RequestEvent) error {
	err := e.Next()
	if err == nil {
		return nil
	}
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) {
		// Plain errors become 400s with their validation data, as PocketBase
		// itself does for validation.Errors; anything else stays as it is.
		var verrs validation.Errors
		if !errors.As(err, &verrs) {
			return err
		}
		apiErr = apis.NewBadRequestError("", verrs)
	}
	localizeIn(apiErr, requestLang(e.Request), e.Request.PathValue("collection"))
	return apiErr
}

// localize rewrites apiErr in place for lang.
func localize(apiErr *router.ApiError, lang string) { localizeIn(apiErr, lang, "") }

// collectionFieldLabels name fields whose name means something else in one
// collection than in the rest (a service level's unit is a unit of time,
// not a home).
var collectionFieldLabels = map[string]map[string]text{
	"sla_policies": {
		"unit": {"计时单位", "Unit of time"}, "amount": {"时限", "Amount"}, "target": {"时限类型", "Deadline"},
		"subject": {"适用对象", "Applies to"}, "level": {"投诉级别", "Complaint level"}, "urgency": {"紧急程度", "Urgency"},
		"early_minutes": {"允许提前分钟数", "Minutes early allowed"}, "office_opens": {"服务开始时间", "Opens at"},
		"office_closes": {"服务结束时间", "Closes at"}, "office_days": {"服务日", "Open on"},
	},
}

// localizeIn is localize for a request about collection (its name or id as
// the URL gives it, "" for none).
func localizeIn(apiErr *router.ApiError, lang, collection string) {
	labels := collectionFieldLabels[collection]
	var parts []string
	fields := make([]string, 0, len(apiErr.Data))
	for f := range apiErr.Data {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, field := range fields {
		item, ok := apiErr.Data[field].(map[string]any)
		if !ok {
			continue
		}
		code, _ := item["code"].(string)
		if t, ok := fieldMessages[field+" "+code]; ok {
			params, _ := item["params"].(map[string]any)
			item["message"] = render(t, lang, params)
		} else if t, ok := messages[code]; ok {
			params, _ := item["params"].(map[string]any)
			item["message"] = render(t, lang, params)
		}
		msg, _ := item["message"].(string)
		if msg == "" {
			continue
		}
		label := field
		if l, ok := labels[field]; ok {
			label = l.zh
			if lang == "en" {
				label = l.en
			}
		} else if l, ok := fieldLabels[field]; ok {
			label = l.zh
			if lang == "en" {
				label = l.en
			}
		}
		parts = append(parts, label+sep(lang, ": ", "：")+msg)
	}
	if len(parts) > 0 {
		apiErr.Message = strings.Join(parts, sep(lang, "; ", "；"))
		return
	}
	if t, ok := topMessages[apiErr.Message]; ok {
		apiErr.Message = render(t, lang, nil)
	} else if t, ok := topMessages[strings.TrimSuffix(apiErr.Message, ".")+"."]; ok {
		apiErr.Message = render(t, lang, nil)
	}
}

func sep(lang, en, zh string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// badRequest is a 400 with coded field errors, for hooks that refuse a
// request before saving.
// Its message names the fields (in Chinese) for callers outside a request
// (the demo loader, cron logs); the middleware rewrites it for clients.
func badRequest(errs validation.Errors) error {
	return apis.NewBadRequestError(errs.Error(), errs)
}
