/**
 * Writes the small files under tests/fixtures/import/ that tests/unit/import-read-file.test.ts reads.
 * Run with `npx tsx scripts/make-import-fixtures.ts`; the files are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import writeExcelFile from 'write-excel-file/node';
import { makeZip, workbookParts } from '../tests/unit/helpers/zip';

const dir = 'tests/fixtures/import';
mkdirSync(dir, { recursive: true });
const put = (name: string, bytes: Uint8Array | string) => writeFileSync(`${dir}/${name}`, bytes);

const audit = await writeExcelFile([
	['Round title', 'Round start', 'Service', 'Challenge', 'Agreed level', 'Evidence'],
	[
		'Spring 2024',
		{ value: new Date(Date.UTC(2024, 10, 23)), type: Date, format: 'dd/mm/yyyy' },
		'Ashford CMHT ',
		'1',
		3,
		'Peer workers in post'
	],
	[],
	['Spring 2024', '23/11/2024', 'Ashford CMHT', 'Leadership', 'Stage 2', null]
]).toBuffer();
put('past-audit.xlsx', audit);

put(
	'formula.xlsx',
	makeZip(
		workbookParts(
			'<row r="1"><c r="A1" t="inlineStr"><is><t>Level</t></is></c><c r="B1" t="inlineStr"><is><t>Label</t></is></c></row>' +
				'<row r="2"><c r="A2"><f>1+1</f><v>3</v></c><c r="B2" t="str"><f>"a"&amp;"b"</f><v>cached text</v></c></row>' +
				'<row r="3"><c r="A3"><f>NOW()</f></c></row>'
		)
	)
);
put(
	'macros.xlsm',
	makeZip(
		workbookParts('<row r="1"><c r="A1"><v>1</v></c></row>', [
			{ name: 'xl/vbaProject.bin', data: 'not really vba' }
		])
	)
);
put(
	'macro-enabled.xlsx',
	makeZip(
		workbookParts(
			'<row r="1"><c r="A1"><v>1</v></c></row>',
			[],
			'application/vnd.ms-excel.sheet.macroEnabled.main+xml'
		)
	)
);
put(
	'encrypted.xlsx',
	Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)])
);
put(
	'zip-encrypted.xlsx',
	makeZip(
		workbookParts('<row r="1"><c r="A1"><v>1</v></c></row>').map((p) => ({ ...p, encrypted: true }))
	)
);
put(
	'zip-bomb.xlsx',
	makeZip(
		workbookParts('', [{ name: 'xl/media/padding.xml', data: Buffer.alloc(10 * 1024 * 1024, 32) }])
	)
);
put(
	'lying-size.xlsx',
	makeZip(
		workbookParts('<row r="1"><c r="A1"><v>1</v></c></row>', [
			{ name: 'xl/extra.xml', data: Buffer.alloc(200_000, 32), declaredSize: 1000 }
		])
	)
);
put(
	'many-entries.xlsx',
	makeZip(
		workbookParts(
			'<row r="1"><c r="A1"><v>1</v></c></row>',
			Array.from({ length: 1000 }, (_, i) => ({ name: `xl/x/${i}.xml`, data: '' }))
		)
	)
);
put(
	'far-corner.xlsx',
	makeZip(
		workbookParts(
			'<row r="1"><c r="XFD1"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>2</v></c></row>'
		)
	)
);
put(
	'not-a-workbook.zip.xlsx',
	makeZip([
		{ name: 'word/document.xml', data: '<w/>' },
		{ name: '[Content_Types].xml', data: '<Types/>' }
	])
);

put(
	'semicolon-bom.csv',
	'\ufeffService;Challenge;Level\r\n"Ashford; North";1;3\r\n\r\n;;\r\nBexley;"2";"Stage\r\n2"\r\n'
);
put(
	'comma-lf.csv',
	'Service,Challenge,Level\nAshford CMHT  ,1,3\n\n"Bexley, South","Leadership","""Stage"" 2"\n'
);
put(
	'title-row-semicolons.csv',
	'Northmoor audits, as kept before the app\r\n\r\nService;Challenge;Level\r\nAshford, North;1;3\r\n'
);
put('tab.csv', 'Service\tChallenge\tLevel\nAshford\t1\t3\n');
put(
	'windows-1252.csv',
	Buffer.from([
		...Buffer.from('Service,Cost\n'),
		...Buffer.from('Caf'),
		0xe9,
		...Buffer.from(','),
		0xa3,
		...Buffer.from('5\n')
	])
);
put('headers-only.csv', 'Service,Challenge,Level\n');
put('blank.csv', '\r\n\r\n , \r\n');
put('empty.csv', '');
put('unclosed-quote.csv', 'Service,Level\n"Ashford,3\n');
put('program.csv', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62)]));
put('elf.xlsx', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]));
put('picture.xlsx', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
put('photo.csv', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
put('animation.csv', Buffer.from('GIF89a\x01\x00'));
put('report.xlsx', '%PDF-1.7\n%\xe2\xe3\n');
put('binary.csv', Buffer.from([0x41, 0x00, 0x42, 0x0a]));
