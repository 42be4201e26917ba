import { describe, expect, it } from 'vitest';
import { importUploads } from '$lib/server/db/schema';
import { createOrganisation } from '$lib/server/organisations';
import { platformAdmin } from './helpers/db';
import {
	deleteUpload,
	findUpload,
	saveUpload,
	saveUploadChoices,
	UPLOAD_KEPT_MS,
	uploadInput,
	waitingUpload
} from '$lib/server/import/uploads';
import {
	previewForPage,
	PROBLEMS_SHOWN,
	readPreviewChoices
} from '$lib/server/import/preview-page';
import { previewPastAudits } from '$lib/server/import/past-audits';
import { trustWithService } from './helpers/world';

const bytes = (text: string) => new TextEncoder().encode(text);
const HEADINGS = 'Round title,Round start,Round end,Service,Challenge,Agreed level';

function form(entries: [string, string | File][]): FormData {
	const posted = new FormData();
	for (const [name, value] of entries) posted.append(name, value);
	return posted;
}

describe('uploads waiting on their preview', () => {
	it('keeps the file for the person who uploaded it, in that organisation, for a day', () => {
		const w = trustWithService();
		const now = new Date('2026-12-01T10:00:00Z');
		const content = bytes(`${HEADINGS}\r\nSpring 2024,01/04/2024,30/06/2024,Ashford CMHT,1,2`);
		const id = saveUpload(
			w.db,
			w.person,
			{ organisationId: w.organisationId, frameworkId: w.frameworkId, fileName: 'a.csv', content },
			now
		);
		const found = findUpload(w.db, w.person, w.organisationId, id, now);
		expect(found?.fileName).toBe('a.csv');
		expect(new Uint8Array(found!.content)).toEqual(content);
		expect(found?.mapping).toEqual({});
		expect(uploadInput(found!).bytes).toEqual(content);
		expect(waitingUpload(w.db, w.person, w.organisationId, now)?.id).toBe(id);

		const someoneElse = { ...w.person, id: 'someone-else' };
		expect(findUpload(w.db, someoneElse, w.organisationId, id, now)).toBeNull();
		expect(waitingUpload(w.db, someoneElse, w.organisationId, now)).toBeNull();
		const otherTrust = createOrganisation(w.db, w.person, {
			name: 'Eastgate Trust',
			odsCode: '',
			groupingLabel: 'Locality'
		});
		expect(findUpload(w.db, w.person, otherTrust, id, now)).toBeNull();

		const dayLater = new Date(now.getTime() + UPLOAD_KEPT_MS + 1);
		expect(findUpload(w.db, w.person, w.organisationId, id, dayLater)).toBeNull();
		expect(waitingUpload(w.db, w.person, w.organisationId, dayLater)).toBeNull();
	});

	it('replaces the person’s earlier upload, and clears anyone’s that are a day old', () => {
		const w = trustWithService();
		const other = platformAdmin(w.db);
		const now = new Date('2026-12-01T10:00:00Z');
		const upload = (fileName: string) => ({
			organisationId: w.organisationId,
			frameworkId: w.frameworkId,
			fileName,
			content: bytes(HEADINGS)
		});
		const old = saveUpload(
			w.db,
			other,
			upload('old.csv'),
			new Date(now.getTime() - UPLOAD_KEPT_MS - 1)
		);
		const first = saveUpload(w.db, w.person, upload('first.csv'), now);
		const second = saveUpload(w.db, w.person, upload('second.csv'), now);
		const left = w.db.select({ id: importUploads.id }).from(importUploads).all();
		expect(left.map((u) => u.id)).toEqual([second]);
		expect([old, first]).not.toContain(second);
		deleteUpload(w.db, second);
		expect(w.db.select().from(importUploads).all()).toEqual([]);
	});

	it('reads back the choices saved, and nothing from stored text that is not what it should be', () => {
		const w = trustWithService();
		const id = saveUpload(w.db, w.person, {
			organisationId: w.organisationId,
			frameworkId: w.frameworkId,
			fileName: 'a.csv',
			content: bytes(HEADINGS)
		});
		saveUploadChoices(w.db, id, {
			mapping: { Team: 'service', Notes: 'ignore' },
			serviceChoices: { 'Ashford CMHT': 'new' }
		});
		const found = findUpload(w.db, w.person, w.organisationId, id)!;
		expect(found.mapping).toEqual({ Team: 'service', Notes: 'ignore' });
		expect(found.serviceChoices).toEqual({ 'Ashford CMHT': 'new' });

		w.db.$client
			.prepare(
				`UPDATE import_upload SET mapping = '{"Team":"not a field"}', service_choices = 'not json'`
			)
			.run();
		const tampered = findUpload(w.db, w.person, w.organisationId, id)!;
		expect(tampered.mapping).toEqual({});
		expect(tampered.serviceChoices).toEqual({});
	});
});

describe('the preview page’s choices', () => {
	it('pairs each column and service with the person’s choice, leaving out those not chosen', () => {
		const read = readPreviewChoices(
			form([
				['column-key-0', 'Team'],
				['column-0', 'service'],
				['column-key-1', 'Notes'],
				['column-1', 'ignore'],
				['column-key-2', 'Something else'],
				['column-2', ''],
				['service-key-0', 'Ashford Community MH Team'],
				['service-0', 'service-id-1'],
				['service-key-1', 'Brenton'],
				['service-1', 'new'],
				['service-key-2', 'Undecided']
			])
		);
		expect(read).toEqual({
			ok: true,
			mapping: { Team: 'service', Notes: 'ignore' },
			serviceChoices: { 'Ashford Community MH Team': 'service-id-1', Brenton: 'new' }
		});
	});

	it('refuses a column read as something that is not a field, or a file in place of text', () => {
		const refused = {
			ok: false,
			message: 'Something on this page went wrong: reload it and make your choices again.'
		};
		expect(
			readPreviewChoices(
				form([
					['column-key-0', 'Team'],
					['column-0', '__proto__']
				])
			)
		).toEqual(refused);
		expect(
			readPreviewChoices(
				form([
					['column-key-0', new File(['x'], 'x.txt')],
					['column-0', 'service']
				])
			)
		).toEqual(refused);
		expect(
			readPreviewChoices(
				form([
					['column-key-0', '   '],
					['column-0', 'service']
				])
			)
		).toEqual(refused);
	});

	it('lists the first problems and counts the rest, and cannot be imported while there are any', async () => {
		const w = trustWithService();
		const rows = Array.from(
			{ length: PROBLEMS_SHOWN + 20 },
			(_, i) => `Spring 2024,01/04/2024,30/06/2024,Ashford CMHT,${(i % 10) + 1},99`
		);
		const previewed = await previewPastAudits(w.db, {
			organisationId: w.organisationId,
			frameworkId: w.frameworkId,
			fileName: 'levels off the scale.csv',
			bytes: bytes([HEADINGS, ...rows].join('\r\n'))
		});
		const page = previewForPage(previewed);
		expect(page.unreadable).toBeNull();
		expect(page.preview?.problems.shown).toHaveLength(PROBLEMS_SHOWN);
		expect(page.preview?.problems.count).toBeGreaterThan(PROBLEMS_SHOWN);
		expect(page.preview?.problems.shown[0]).toMatchObject({ row: 2, column: 'F' });
		expect(page.preview?.canImport).toBe(false);
	});

	it('can be imported when the file is good, and says why not when it cannot be read', async () => {
		const w = trustWithService();
		const input = {
			organisationId: w.organisationId,
			frameworkId: w.frameworkId,
			fileName: 'good.csv',
			bytes: bytes(`${HEADINGS}\r\nSpring 2024,01/04/2024,30/06/2024,Ashford CMHT,1,2`)
		};
		const good = previewForPage(await previewPastAudits(w.db, input));
		expect(good.preview).toMatchObject({ canImport: true, scores: 1, pendingChoices: 0 });
		expect(good.preview?.services).toEqual([
			expect.objectContaining({ name: 'Ashford CMHT', status: 'matched', choice: w.serviceId })
		]);
		const unreadable = previewForPage(
			await previewPastAudits(w.db, {
				...input,
				fileName: 'photo.csv',
				bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])
			})
		);
		expect(unreadable.preview).toBeNull();
		expect(unreadable.unreadable).toMatch(/picture, not a spreadsheet/);
	});
});
