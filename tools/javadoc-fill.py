#!/usr/bin/env python3
"""A first draft of the Javadoc that doclint says is missing, for a person to review.

usage: tools/javadoc-fill.py JAVADOC_LOG SRC_ROOT
  JAVADOC_LOG  the output of a build whose javadoc failed on warnings
               (mvn -o verify > log, or mvn -o -Djtls.strict=false -pl MODULE javadoc:jar > log)
  SRC_ROOT     only files under this folder are edited (e.g. jtls-cli/src/main/java)

Fills in, from javadoc's "path:line: warning: ..." lines: "no @param for X", "no @return",
"no @throws for T" and simple "no comment" cases (builder setters, builder(), build(), event
constants, fields, constructors). The words come from the comment's first sentence, the
parameter's name and a small dictionary: they are correct but plain. Read the diff, improve
what says too little (git diff -U0 | grep '^+'), then build again: references that javadoc
cannot resolve and malformed HTML are left for a person.
"""
import re
import sys
from collections import defaultdict

log, root = sys.argv[1], sys.argv[2]
pat = re.compile(r'(/[^:\s]+\.java):(\d+): (?:warning|error): (.*)$')
todo = defaultdict(lambda: defaultdict(list))
for line in open(log):
    line = line.replace('[ERROR] ', '').strip()
    m = pat.search(line)
    if not m:
        continue
    path, ln, msg = m.group(1), int(m.group(2)), m.group(3)
    if not path.startswith(root):
        continue
    if msg.startswith(('no @return', 'no @param for', 'no @throws for', 'no comment')):
        if msg not in todo[path][ln]:
            todo[path][ln].append(msg)

PARAM = {
    'pem': 'the PEM text', 'pems': 'the PEM texts', 'pemFile': 'the PEM file, read now',
    'options': 'the options', 'key': 'the key', 'keys': 'the keys', 'callback': 'called when done',
    'passphrase': 'the passphrase, or null for none', 'port': 'the port', 'host': 'the host name or address',
    'name': 'the name', 'context': 'the secure context', 'onConnect': "called on 'connect'",
    'onSecureConnect': "called on 'secureConnect'", 'data': 'the bytes', 'size': 'the size in bytes',
    'listener': 'the listener', 'timeout': 'the timeout', 'socket': 'the socket', 'server': 'the server',
    'hostname': 'the host name', 'der': 'the DER bytes', 'file': 'the file', 'path': 'the path',
    'value': 'the value', 'type': 'the type', 'code': "Node's error code", 'message': 'the message',
    'cause': 'the cause', 'loop': 'the event loop', 'group': 'the event loop group', 'encoding': 'the encoding',
    'chunk': 'the bytes', 'buffer': 'the bytes', 'certificate': 'the certificate', 'session': 'the session bytes',
    'protocols': 'the protocol names', 'keyPem': 'the key and its passphrase', 'entries': 'the entries',
    'entry': 'the entry', 'delay': 'the delay', 'backlog': 'the listen backlog', 'onListening': "called on 'listening'",
    'store': 'the session store', 'ca': 'the CA certificates', 'cert': 'the certificate chain',
    'duration': 'the duration', 'reason': 'the reason', 'error': 'the error, or null', 'event': 'the event',
    'invoker': 'calls each listener', 'destination': 'where the data goes', 'end': "whether to end the destination at the source's end",
    'charset': 'the character set', 'reader': 'the reader', 'readLimit': 'how many bytes the reader buffers at most',
    'stream': 'the stream', 'sessionId': 'the session id', 'sessionData': 'the serialized session',
    'id': 'the id', 'count': 'how many', 'enable': 'true to enable', 'enabled': 'true to enable',
    'millis': 'the time in milliseconds', 'seconds': 'the time in seconds', 'address': 'the address',
    'family': 'the address family (4 or 6)', 'task': 'the task', 'action': 'the action', 'handler': 'the handler',
    'servername': 'the SNI server name', 'identity': 'the PSK identity', 'hint': 'the PSK identity hint',
    'length': 'the length', 'label': 'the label', 'bytes': 'the bytes', 'text': 'the text', 'hadError': 'whether it closed because of an error',
}


def wrap(line, width):
    if len(line) <= width or not line.startswith('@'):
        return [line]
    head = line.split(' ', 2)
    lead = ' ' * (len(head[0]) + 1 + (len(head[1]) + 1 if head[0] in ('@param', '@throws') else 0))
    out, cur = [], ''
    for w in line.split(' '):
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = lead + w
        else:
            cur = w if not cur else cur + ' ' + w
    out.append(cur)
    return out


def words(name):
    return re.sub(r'(?<=[a-z0-9])([A-Z])', lambda m: ' ' + m.group(1).lower(), name)


SPECIAL = {
    'isServer': 'true for the server end', 'enableTrace': 'true to trace the handshake on stderr',
    'requestCert': 'true to request a certificate from the peer',
    'rejectUnauthorized': 'true to fail connections whose peer certificate does not verify',
    'allowHalfOpen': "true to keep the writable side open after the peer's end",
    'pauseOnConnect': 'true to start each accepted socket paused', 'noDelay': "true to disable Nagle's algorithm",
    'keepAlive': 'true to enable TCP keep-alive', 'engineId': 'the OpenSSL engine id',
}


def param_text(name):
    if name in SPECIAL:
        return SPECIAL[name]
    if re.match(r'on[A-Z]', name):
        return "called on {@code '" + name[2].lower() + name[3:] + "'}"
    if name.startswith('<'):
        return {'<L>': 'the listener type', '<T>': 'the value type', '<D>': 'the stream type'}.get(name, 'the type')
    if name in PARAM:
        return PARAM[name]
    return 'the ' + words(name)


LOWER_FIRST = {'The', 'A', 'An', 'True', 'False', 'Whether', 'How', 'What', 'Which', 'Its', 'This', 'These', 'Each',
               'Every', 'One', 'All', 'No', 'Null', 'Where', 'When', 'Who', 'Some', 'That', 'Those', 'Any'}


def first_sentence(desc):
    depth = 0
    for i, ch in enumerate(desc):
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth -= 1
        elif ch == '.' and depth == 0 and (i + 1 == len(desc) or desc[i + 1] in ' \n'):
            before = desc[max(0, i - 4):i]
            if before.endswith(('e.g', 'i.e', 'etc', 'vs')):
                continue
            return desc[:i]
    return desc.rstrip('.')


def strip_html(s):
    s = re.sub(r'<p>.*', '', s, flags=re.S)
    return re.sub(r'\s+', ' ', s).strip()


SELF = {'Builder': 'this builder', 'B': 'this builder'}


def self_text(rtype):
    if rtype in SELF:
        return SELF[rtype]
    low = rtype.lower()
    for k, v in (('server', 'this server'), ('socket', 'this socket'), ('duplex', 'this stream'),
                 ('emitter', 'this emitter'), ('stream', 'this stream')):
        if k in low:
            return v
    return 'this {@code ' + rtype + '}'


def return_text(desc, rtype, returns_self, name):
    if returns_self:
        return self_text(rtype)
    r = re.search(r'(?:^|[.;:] )Returns ((?:[^.{]|\{[^}]*\})+)\.', desc or '', re.S)
    if r and rtype != 'void':
        return re.sub(r'\s+', ' ', r.group(1)).strip()
    s = strip_html(first_sentence(desc)) if desc else ''
    if not s or s.startswith('{@inheritDoc'):
        if rtype == 'boolean':
            return 'whether ' + words(name)
        return 'the ' + words(re.sub(r'^(get|is|has)(?=[A-Z])', '', name))
    m = re.match(r'(Returns|Gets|Tells) (.*)', s, re.S)
    if m:
        s = m.group(2)
    fw = s.split(' ', 1)[0]
    if fw in LOWER_FIRST:
        s = s[0].lower() + s[1:]
    elif re.match(r'^[A-Z][a-z]+s$', fw) and fw not in ('Nodes',) and not s.startswith('Node'):
        # a verb phrase ("Creates a server ..."): say what comes back
        if rtype == 'boolean':
            return 'true when it succeeded' if fw in ('Adds', 'Removes', 'Writes', 'Ends', 'Sets') else 'the result'
        if rtype.startswith('CompletableFuture'):
            return 'a future that completes when done: ' + s[0].lower() + s[1:]
        return 'the ' + words(rtype.split('<')[0]).lower().replace('tls ', 'TLS ') + ': ' + s[0].lower() + s[1:]
    return s


def no_comment_text(decl, outer):
    d = decl.strip()
    m = re.match(r'(?:public |protected )?(?:static )?(?:final )?(?:class|interface|record|enum) (\w+)', d)
    if m:
        if m.group(1) == 'Builder':
            return ['Builder of {@link ' + outer + '}.'], {}
        return ['The ' + words(m.group(1)).lower() + '.'], {}
    m = re.match(r'public static final (\w+)(?:<.*>)? (\w+) = new \w+(?:<>)?\("([^"]+)"', d)
    if m:
        return ["Node's {@code '" + m.group(3) + "'} event."], {}
    m = re.match(r'(?:public |protected |private )?(?:static )?(?:final )?[\w<>\[\], ?]+ (\w+)\s*(=|;)', d)
    if m and '(' not in d.split('=')[0]:
        return ['The ' + words(m.group(1)) + '.'], {}
    m = re.match(r'(public |protected |private )?(\w+)\(', d)
    if m and m.group(2) == outer:
        return ['A new {@code ' + outer + '}' + (', for subclasses.' if m.group(1) == 'protected ' else '.')], {}
    m = re.match(r'(?:public |protected )?(?:static )?(?:final )?(?:synchronized )?(?:<[^>]+> )?([\w<>\[\], ?.]+?) (\w+)\(', d)
    if m:
        rtype, name = m.group(1), m.group(2)
        if name == 'builder':
            return ['A new builder.'], {}
        if name == 'build':
            return ['Builds from the values set so far.'], {}
        if name == 'toBuilder':
            return ['A builder holding these values, to derive a variant.'], {}
        if re.search(r'\{ *this\.\w+ = .*return this; *\}', d):
            return ['Sets {@code ' + name + '}.'], {}
        if name == 'call':
            return ['Called with the outcome.'], {}
        if re.match(r'on[A-Z]', name):
            return ['Called on ' + words(name[2:]).lower().strip() + '.'], {}
        if rtype in ('void',):
            return [words(name).capitalize() + '.'], {}
        return ['The ' + words(re.sub(r'^(get|is|has)(?=[A-Z])', '', name)) + '.'], {}
    m = re.match(r'(?:public |protected )?(\w+)\s*(\(|\{)', d)
    if m:  # constructor or compact constructor
        return ['Checks and keeps the values.' if m.group(2) == '{' else 'Makes one.'], {}
    return ['TODO.'], {}


def params_of(lines, i):
    text = ''
    j = i
    while j < len(lines) and j < i + 8:
        text += lines[j]
        if ')' in lines[j] and text.count('(') <= text.count(')'):
            break
        j += 1
    m = re.search(r'\((.*?)\)\s*(throws [\w., ]+)?\s*[{;]', text, re.S)
    return m.group(1) if m else ''


def decl_info(lines, i):
    d = lines[i].strip()
    m = re.match(r'(?:@\w+(?:\([^)]*\))? )*(?:public |protected |private )?(?:abstract )?(?:static )?(?:final )?(?:synchronized )?(?:default )?(?:<.+?> )?([\w<>\[\], ?.]+?) (\w+)\(', d)
    rtype, name = (m.group(1), m.group(2)) if m else ('', '')
    body = ''.join(lines[i:i + 40])
    ind = len(lines[i]) - len(lines[i].lstrip())
    # the method body, up to the closing brace at the declaration's indentation
    end = i
    if d.endswith('}') and '{' in d:
        body = d
    else:
        for k in range(i + 1, min(len(lines), i + 300)):
            if lines[k].startswith(' ' * ind + '}'):
                end = k
                break
        body = ''.join(lines[i:end + 1])
    returns = re.findall(r'return ([^;]+);', body)
    returns_self = bool(returns) and all(r.strip() in ('this', 'self()') for r in returns)
    if rtype in ('Builder', 'B') and name not in ('builder', 'toBuilder') and ' static ' not in ' ' + d:
        returns_self = True  # a builder's setters return the builder, directly or by delegation
    return rtype, name, returns_self


for path, items in todo.items():
    lines = open(path).read().split('\n')
    lines = [l + '\n' for l in lines[:-1]] + [lines[-1]]
    outer = re.search(r'/(\w+)\.java$', path).group(1)
    for ln in sorted(items, reverse=True):
        i = ln - 1
        msgs = items[ln]
        ind = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        if any(m == 'no comment' for m in msgs):
            desc_lines, _ = no_comment_text(lines[i], outer)
            # above annotations
            a = i
            while a > 0 and lines[a - 1].strip().startswith('@') and not lines[a - 1].strip().startswith('@param'):
                a -= 1
            rtype, name, rself = decl_info(lines, i)
            tags = []
            params = params_of(lines, i) if '(' in lines[i] and not re.search(r'=\s*new ', lines[i]) and not re.search(r'\bclass |\binterface |\brecord ', lines[i]) else ''
            depth, parts, cur = 0, [], ''
            for ch in params:
                depth += ch == '<'
                depth -= ch == '>'
                if ch == ',' and depth == 0:
                    parts.append(cur)
                    cur = ''
                else:
                    cur += ch
            parts.append(cur)
            for p in [p.strip() for p in parts if p.strip()]:
                pn = p.split()[-1].replace('...', '')
                tags.append('@param ' + pn + ' ' + param_text(pn))
            if rtype and rtype != 'void' and name and re.search(r'\b' + name + r'\(', lines[i]) and rtype not in ('class', 'interface', 'record', 'new') and not lines[i].strip().startswith(('public static final', 'private', 'protected final')):
                if not re.match(r'(?:public |protected )?' + outer + r'\(', lines[i].strip()):
                    tags.append('@return ' + return_text(desc_lines[0].rstrip('.'), rtype, rself, name))
            block = [ind + '/**\n'] + [ind + ' * ' + t + '\n' for t in desc_lines]
            if tags:
                block.append(ind + ' *\n')
                block += [ind + ' * ' + t + '\n' for t in tags]
            block.append(ind + ' */\n')
            if not tags and len(desc_lines) == 1:
                block = [ind + '/** ' + desc_lines[0] + ' */\n']
            lines[a:a] = block
            continue
        # find the comment above
        e = i - 1
        while e >= 0 and lines[e].strip().startswith('@') and not lines[e].strip().startswith('@param'):
            e -= 1
        if e < 0 or not lines[e].rstrip().endswith('*/'):
            print('no comment found', path, ln, msgs, file=sys.stderr)
            continue
        s = e
        while s >= 0 and '/**' not in lines[s]:
            s -= 1
        comment = ''.join(lines[s:e + 1])
        cind = lines[s][:len(lines[s]) - len(lines[s].lstrip())]
        body = comment.strip()[3:-2]
        body_lines = [re.sub(r'^\s*\* ?', '', l) for l in body.split('\n')]
        if len(body_lines) == 1:
            body_lines = [body_lines[0].strip()]
        while body_lines and not body_lines[0].strip():
            body_lines.pop(0)
        while body_lines and not body_lines[-1].strip():
            body_lines.pop()
        # split description and block tags
        k = 0
        while k < len(body_lines) and not body_lines[k].lstrip().startswith('@'):
            k += 1
        desc = body_lines[:k]
        tags = body_lines[k:]
        while desc and not desc[-1].strip():
            desc.pop()
        rtype, name, rself = decl_info(lines, i)
        new_params, new_return, new_throws = [], [], []
        for m in msgs:
            if m.startswith('no @param for '):
                pn = m[len('no @param for '):]
                new_params.append('@param ' + pn + ' ' + param_text(pn))
            elif m.startswith('no @return'):
                new_return.append('@return ' + return_text('\n'.join(desc).strip(), rtype, rself, name))
            elif m.startswith('no @throws for '):
                t = m[len('no @throws for '):]
                short = t.rsplit('.', 1)[-1]
                txt = {'IOException': 'when the I/O fails', 'InterruptedException': 'when the waiting thread is interrupted'}.get(short, 'when it fails')
                new_throws.append('@throws ' + short + ' ' + txt)
        # order: existing @param, new params, existing @return, new return, others
        out_tags = []
        existing = []
        cur = None
        for t in tags:
            if t.lstrip().startswith('@'):
                cur = [t]
                existing.append(cur)
            elif cur is not None:
                cur.append(t)
        def kind(tag):
            return tag[0].split()[0]
        ps = [t for t in existing if kind(t) == '@param']
        rs = [t for t in existing if kind(t) == '@return']
        others = [t for t in existing if kind(t) not in ('@param', '@return')]
        for t in ps:
            out_tags += t
        out_tags += new_params
        for t in rs:
            out_tags += t
        out_tags += new_return
        throws_others = [t for t in others if kind(t) == '@throws']
        rest = [t for t in others if kind(t) != '@throws']
        for t in throws_others:
            out_tags += t
        out_tags += new_throws
        for t in rest:
            out_tags += t
        block = [cind + '/**\n']
        for l in desc:
            block.append((cind + ' * ' + l).rstrip() + '\n')
        if desc and out_tags:
            block.append(cind + ' *\n')
        for l in out_tags:
            for w in wrap(l, 110 - len(cind) - 3):
                block.append((cind + ' * ' + w).rstrip() + '\n')
        block.append(cind + ' */\n')
        lines[s:e + 1] = block
    open(path, 'w').write(''.join(lines))
    print('fixed', path, sum(len(v) for v in items.values()))
