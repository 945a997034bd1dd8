// Excel import (docs/DESIGN.md § Registry "Import"): the director drops a
// file onto the import page, runs the dry run and reads the report — the
// row and column of each problem — with the import held back until a dry
// run of the file finds nothing wrong; the corrected file is checked and
// imported, and the history lists it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, api, shot, DESKTOP } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** drop drags a file with text onto the drop zone. */
async function drop(page, name, text) {
  const data = await page.evaluateHandle(([n, s]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([s], n, { type: 'text/csv' }));
    return dt;
  }, [name, text]);
  await page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer: data });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: data });
}

test('drop a file, read the dry run report, import once it is clean', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, server.url, 'director@example.com', '/staff/');
  await page.getByRole('link', { name: '导入' }).first().click();
  await page.getByTestId('import-kind').selectOption('buildings');

  await drop(page, '楼栋.csv', '楼栋编号,楼栋名称,楼层数\nE1,海棠E1栋,5\nE2,海棠E2栋,五\n');
  await page.getByText('已选择：楼栋.csv').waitFor();
  const apply = page.getByRole('button', { name: '导入', exact: true });
  assert.equal(await apply.isDisabled(), true, 'no import before a dry run');
  await page.getByRole('button', { name: '试导入' }).click();
  const report = page.getByTestId('import-report');
  await report.getByText('共 2 行：新增 1，更新 0，未变 0，错误 1').waitFor();
  const cells = await report.locator('tbody tr').first().locator('td').allTextContents();
  assert.deepEqual(cells, ['3', '楼层数', '第 3 行 楼层数：不是数字']);
  assert.equal(await apply.isDisabled(), true, 'no import while the file has errors');
  await shot(page, 'staff-import-report');

  await drop(page, '楼栋.csv', '楼栋编号,楼栋名称,楼层数\nE1,海棠E1栋,5\nE2,海棠E2栋,6\n');
  await page.getByRole('button', { name: '试导入' }).click();
  await report.getByText('没有发现错误，可以导入').waitFor();
  await apply.click();
  await report.getByText('已导入：新增 2，更新 0').waitFor();
  await page.getByTestId('import-history').getByText('已导入').first().waitFor();

  const director = await api(server.url, 'director@example.com');
  const built = await director.collection('buildings').getFullList({ filter: 'code = "E1" || code = "E2"', sort: 'code' });
  assert.deepEqual(built.map((b) => [b.code, b.floors]), [['E1', 5], ['E2', 6]]);
  assert.deepEqual(page.scriptErrors, []);
});
