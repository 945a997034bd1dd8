package hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

// The notice board (公告, [000] 管理员 3.9): the office posts, residents of the
// community read it on the portal's home screen. Who posts and when is set
// here, never by the client, and every post and edit is an event.
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
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "create", Actor: e.Auth, Note: e.Record.GetString("title")})
		})
	})
	app.OnRecordUpdateRequest("notices").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		e.Record.Set("author", orig.GetString("author"))
		e.Record.Set("published_at", orig.GetDateTime("published_at"))
		e.Record.Set("community", orig.GetString("community"))
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "update", Actor: e.Auth, Note: e.Record.GetString("title")})
		})
	})
}
