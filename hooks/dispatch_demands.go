package hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

// Requests for services the office does not offer are still recorded and
// answered politely [003 2.2.7]: they show what residents would pay for.

func prepareDemand(e *core.RecordRequestEvent) error {
	r := e.Record
	r.Set("status", "open")
	r.Set("answer", "")
	r.Set("answered_by", "")
	r.Set("answered_at", "")
	if u, err := e.App.FindRecordById("units", r.GetString("unit")); err == nil && r.GetString("community") == "" {
		r.Set("community", u.GetString("community"))
	}
	if isResident(e.Auth) {
		r.Set("resident", e.Auth.Id)
		if r.GetString("contact_name") == "" {
			r.Set("contact_name", e.Auth.GetString("name"))
		}
		if r.GetString("contact_phone") == "" {
			r.Set("contact_phone", e.Auth.GetString("phone"))
		}
	}
	return inTx(e, func(tx core.App) error {
		return RecordEvent(tx, Event{Subject: r, Action: "create", To: "open", Actor: e.Auth, Public: true})
	})
}

// answerDemand marks a demand answered when the desk writes the answer.
func answerDemand(e *core.RecordRequestEvent) error {
	r, orig := e.Record, e.Record.Original()
	if r.GetString("answer") != "" && r.GetString("answer") != orig.GetString("answer") {
		r.Set("status", "answered")
		r.Set("answered_by", e.Auth.Id)
		r.Set("answered_at", nowDateTime())
	}
	return inTx(e, func(tx core.App) error {
		if orig.GetString("status") == r.GetString("status") {
			return nil
		}
		return RecordEvent(tx, Event{Subject: r, Action: "status", From: orig.GetString("status"), To: r.GetString("status"),
			Actor: e.Auth, Public: true, Note: r.GetString("answer")})
	})
}
