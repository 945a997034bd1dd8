package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"wuye/migrations"
)

// The attachments of an anonymous complaint are stored under neutral names
// (issue #16 item 11). PocketBase keeps a file as "<the uploader's file
// name, snake-cased>_<random>.<ext>", and a file name such as
// "zhang_wei_1_101_noise.jpg" says who complained as plainly as the
// contact fields the staff are not shown (hooks/complaints_anonymity.go).
// The handler still gets every file (the photos are what they work from),
// only not its original name. Names are given before the file is written,
// so the original name is stored nowhere; migration 0036 renamed the files
// stored before.

func registerAnonymousAttachments(app core.App) {
	rename := func(e *core.RecordEvent) error {
		if e.Record.GetBool("anonymous") {
			for _, f := range e.Record.GetUnsavedFiles("attachments") {
				f.Name = migrations.NeutralFileName(f.Name)
			}
		}
		return e.Next()
	}
	app.OnRecordCreate("complaints").BindFunc(rename)
	app.OnRecordUpdate("complaints").BindFunc(rename)
}
