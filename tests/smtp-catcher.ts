// A small SMTP server on loopback that keeps every message it is sent, so tests can read the
// emails the app sends without any network. It speaks just enough SMTP for nodemailer: no TLS, no
// authentication, and it decodes the quoted-printable bodies nodemailer writes.
import { createServer, type Socket } from 'node:net';

export interface CaughtEmail {
	from: string;
	to: string[];
	/** Header name (lower case) → value, unfolded. */
	headers: Record<string, string>;
	/** The body, decoded when it was quoted-printable. */
	text: string;
}

export interface SmtpCatcher {
	/** What to set SMTP_URL to. */
	url: string;
	emails: CaughtEmail[];
	stop: () => Promise<void>;
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
	const emails: CaughtEmail[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		converse(socket, (email) => emails.push(email));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('SMTP catcher has no port');
	return {
		url: `smtp://127.0.0.1:${address.port}`,
		emails,
		stop: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			})
	};
}

function converse(socket: Socket, keep: (email: CaughtEmail) => void) {
	let buffer = '';
	let inData = false;
	let data: string[] = [];
	let from = '';
	let to: string[] = [];
	const reply = (line: string) => socket.write(`${line}\r\n`);

	reply('220 catcher ESMTP');
	socket.setEncoding('utf8');
	socket.on('data', (chunk: string) => {
		buffer += chunk;
		let end: number;
		while ((end = buffer.indexOf('\r\n')) >= 0) {
			const line = buffer.slice(0, end);
			buffer = buffer.slice(end + 2);
			if (inData) {
				if (line === '.') {
					inData = false;
					keep(parse(from, to, data));
					reply('250 kept');
				} else data.push(line.startsWith('..') ? line.slice(1) : line);
				continue;
			}
			const command = line.slice(0, 4).toUpperCase();
			if (command === 'EHLO' || command === 'HELO') reply('250 catcher');
			else if (command === 'MAIL') {
				from = line.match(/<(.*)>/)?.[1] ?? '';
				to = [];
				reply('250 ok');
			} else if (command === 'RCPT') {
				to.push(line.match(/<(.*)>/)?.[1] ?? '');
				reply('250 ok');
			} else if (command === 'DATA') {
				inData = true;
				data = [];
				reply('354 end with .');
			} else if (command === 'QUIT') {
				reply('221 bye');
				socket.end();
			} else reply('250 ok');
		}
	});
}

function parse(from: string, to: string[], lines: string[]): CaughtEmail {
	const blank = lines.indexOf('');
	const headerLines = lines.slice(0, blank);
	const headers: Record<string, string> = {};
	let last = '';
	for (const line of headerLines) {
		if (/^\s/.test(line) && last) headers[last] += ' ' + line.trim();
		else {
			const colon = line.indexOf(':');
			last = line.slice(0, colon).toLowerCase();
			headers[last] = line.slice(colon + 1).trim();
		}
	}
	let text = lines.slice(blank + 1).join('\n');
	if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) {
		text = Buffer.from(
			text
				.replace(/=\n/g, '')
				.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
			'latin1'
		).toString('utf8');
	}
	return { from, to, headers, text };
}
